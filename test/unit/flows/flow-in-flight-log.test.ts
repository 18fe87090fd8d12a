import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { compileFlowFile } from '../../../src/flows/flow-compiler.js';
import { FlowInFlightLog } from '../../../src/flows/flow-in-flight-log.js';
import type { FlowMessage } from '../../../src/flows/flow-message.js';
import { FlowRunner } from '../../../src/flows/flow-runner.js';
import { defineStep } from '../../../src/flows/steps/define-step.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import type { IncomingRecord } from '../../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../support/in-memory-kafka.js';
import { withDeclaredTopics } from '../../support/declared-flow-topics.js';

const CUSTOMER = 'crmhub.customer.Customer';
const control = { heartbeat: async () => undefined, isRunning: () => true };
const FLOW = `name: fragile\nfrom: in\nsteps:\n  - fragile: {}\nto: { topic: out, schema: ${CUSTOMER} }\n`;

/**
 * A hub process that dies while its flow processes the poison record: the step never answers for
 * it, which leaves the batch exactly where a process that died there leaves it (nothing produced,
 * nothing committed, the in-flight marker on disk). A later process starts from the same files.
 */
describe('FlowInFlightLog: a record that crashed the hub twice', () => {
  let schemas: SchemaCatalog;
  let serde: AvroSerde;
  let kafka: InMemoryKafka;
  let dir: string;
  let batch: IncomingRecord[];
  const seenBy: string[][] = [];

  before(async () => {
    schemas = await SchemaCatalog.load();
  });
  beforeEach(async () => {
    serde = new AvroSerde(new InMemorySchemaRegistry());
    kafka = new InMemoryKafka();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-in-flight-'));
    seenBy.length = 0;
    batch = [];
    for (let index = 0; index < 5; index++) {
      const value = { ...sampleCustomer(), customerId: `C${String(index).padStart(12, '0')}` };
      batch.push(
        kafka.append('in', {
          key: value.customerId,
          value: await serde.encode(valueSubject('in'), schemas.registrySchema(CUSTOMER), value),
        }),
      );
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** One hub process: its own writer id, a step that "crashes" (never answers) on `poison`. Resolves once the batch is done, or once the process is as good as dead. */
  async function processRun(process: string, poison: string | undefined): Promise<'done' | 'died'> {
    const seen: string[] = [];
    seenBy.push(seen);
    let died: () => void = () => undefined;
    const dead = new Promise<'died'>((resolve) => (died = () => resolve('died')));
    const fragile = defineStep<unknown>({
      type: 'fragile',
      description: 'dies on one record',
      spec: { type: 'object' },
      compile: (_config, context) => ({
        outputType: context.inputType,
        run: (message: FlowMessage) => {
          const id = String(message.value.customerId);
          seen.push(id);
          if (id !== poison) return [message];
          died();
          return new Promise<FlowMessage[]>(() => undefined);
        },
      }),
    });
    const { flow, issues } = compileFlowFile(
      { file: 'fragile.yaml', text: withDeclaredTopics(FLOW, { in: CUSTOMER, out: CUSTOMER }) },
      { schemas, steps: createStepRegistry([fragile]), table: () => ({ get: () => undefined }) },
    );
    expect(issues).to.deep.equal([]);
    const runner = new FlowRunner(
      flow!,
      kafka,
      await kafka.producer(),
      serde,
      schemas,
      createLogger({ level: 'error' }),
      undefined,
      new FlowInFlightLog(dir, `${process} of ${dir}`),
    );
    await runner.start();
    const handled = kafka.handlers.get(runner.groupId)!({ topic: 'in', partition: 0, records: batch }, control).then(() => 'done' as const);
    return Promise.race([handled, dead]);
  }

  const outputIds = async () =>
    Promise.all(
      kafka.records('out').map(async (record) => ((await serde.decode(record.value)).value as { customerId: string }).customerId),
    );

  it('goes through the batch record by record after one crash, and dead-letters the record before a third attempt after two', async () => {
    expect(await processRun('first process', 'C000000000002')).to.equal('died');
    expect(await processRun('second process', 'C000000000002')).to.equal('died');
    expect(seenBy[1]).to.deep.equal(['C000000000000', 'C000000000001', 'C000000000002']);
    expect(await processRun('third process', 'C000000000002')).to.equal('done');
    // The third process never gives the poison record to the steps.
    expect(seenBy[2]).to.deep.equal(['C000000000000', 'C000000000001', 'C000000000003', 'C000000000004']);
    expect(await outputIds()).to.deep.equal(['C000000000000', 'C000000000001', 'C000000000003', 'C000000000004']);
    const [dead, ...more] = kafka.records('dlq.flow.fragile');
    expect(more).to.have.length(0);
    expect(dead!.headers).to.include({
      'dlq-error-code': 'FLOW_CRASHED',
      'dlq-original-offset': '2',
      'dlq-attempts': '2',
      'dlq-flow-step': 'flow',
    });
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('tries a record again after a single crash, and forgets the crash once the batch went through', async () => {
    expect(await processRun('first process', 'C000000000003')).to.equal('died');
    expect(await processRun('second process', undefined)).to.equal('done');
    expect(await outputIds()).to.have.length(5);
    expect(kafka.records('dlq.flow.fragile')).to.have.length(0);
    // A crash of a later process on the same records counts from one again.
    expect(await processRun('third process', 'C000000000003')).to.equal('died');
    expect(await processRun('fourth process', undefined)).to.equal('done');
    expect(kafka.records('dlq.flow.fragile')).to.have.length(0);
  });

  it("does not take its own process's batch that failed (not crashed) for a crash", async () => {
    const log = new FlowInFlightLog(dir, 'this process');
    log.begin('in', 0, '0', '4', 0);
    expect(log.leftover('in', 0, '0', '4')).to.equal(undefined);
    expect(new FlowInFlightLog(dir, 'next process').leftover('in', 0, '0', '4')).to.include({ from: '0', to: '4', crashes: 0 });
    expect(new FlowInFlightLog(dir, 'next process').leftover('in', 0, '5', '9'), 'records after the crashed ones').to.equal(undefined);
    log.end('in', 0);
    expect(new FlowInFlightLog(dir, 'next process').leftover('in', 0, '0', '4')).to.equal(undefined);
  });

  it('gives one suspect record in the process a turn at a time, so that a crash in one flow is not blamed on another flow awaiting its step', async () => {
    const order: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-turns-'));
    const turns = new FlowInFlightLog(path.join(dir, 'flow-a'), 'one process');
    const otherFlow = new FlowInFlightLog(path.join(dir, 'flow-b'), 'one process');
    const first = await turns.takeSuspectTurn();
    const second = otherFlow.takeSuspectTurn().then((giveUp) => {
      order.push('second has its turn');
      return giveUp;
    });
    await new Promise((resolve) => setImmediate(resolve));
    order.push('first still holds it');
    first();
    first(); // giving it up twice changes nothing
    (await second)();
    expect(order).to.deep.equal(['first still holds it', 'second has its turn']);
    (await turns.takeSuspectTurn())();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
