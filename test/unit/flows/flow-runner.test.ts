import { expect } from 'chai';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { HubError } from '../../../src/core/hub-error.js';
import type { CompiledFlow } from '../../../src/flows/compiled-flow.js';
import { compileFlowFile } from '../../../src/flows/flow-compiler.js';
import type { FlowMessage } from '../../../src/flows/flow-message.js';
import { FlowRunner } from '../../../src/flows/flow-runner.js';
import { InMemoryPartitionedState } from '../../../src/platform/state/partitioned-state.js';
import type { StepDefinition } from '../../../src/flows/flow-step.js';
import { defineStep } from '../../../src/flows/steps/define-step.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import type { IncomingRecord } from '../../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../support/in-memory-kafka.js';
import { withDeclaredTopics } from '../../support/declared-flow-topics.js';

const logger = createLogger({ level: 'error' });
const control = { heartbeat: async () => undefined, isRunning: () => true };
const CUSTOMER = 'crmhub.customer.Customer';

/** A step of a test's own: `run` is given the message and how many times this step saw a message with its customer id before. */
function testStep(type: string, run: (message: FlowMessage, seen: number) => FlowMessage[] | Promise<FlowMessage[]>): StepDefinition {
  return defineStep<unknown>({
    type,
    description: `test step ${type}`,
    spec: { type: 'object' },
    compile: (_config, context) => {
      const seen = new Map<unknown, number>();
      return {
        outputType: context.inputType,
        run: (message) => {
          const id = message.value.customerId;
          const count = seen.get(id) ?? 0;
          seen.set(id, count + 1);
          return run(message, count);
        },
      };
    },
  });
}

describe('FlowRunner', () => {
  let schemas: SchemaCatalog;
  let serde: AvroSerde;
  let kafka: InMemoryKafka;

  before(async () => {
    schemas = await SchemaCatalog.load();
  });
  beforeEach(() => {
    serde = new AvroSerde(new InMemorySchemaRegistry());
    kafka = new InMemoryKafka();
  });

  function compile(text: string, extra: StepDefinition[] = []): CompiledFlow {
    const declared = withDeclaredTopics(text, { in: CUSTOMER, out: CUSTOMER, 'out-a': CUSTOMER, 'out-b': CUSTOMER });
    const { flow, issues } = compileFlowFile(
      { file: 'test.yaml', text: declared },
      { schemas, steps: createStepRegistry(extra), table: () => ({ get: () => undefined }) },
    );
    expect(issues).to.deep.equal([]);
    return flow!;
  }

  async function records(count: number): Promise<IncomingRecord[]> {
    const schema = schemas.registrySchema(CUSTOMER);
    const appended: IncomingRecord[] = [];
    for (let index = 0; index < count; index++) {
      const value = {
        ...sampleCustomer(),
        customerId: `C${String(index).padStart(12, '0')}`,
        status: index % 3 === 2 ? 'INACTIVE' : 'ACTIVE',
      };
      appended.push(kafka.append('in', { key: value.customerId, value: await serde.encode(valueSubject('in'), schema, value) }));
    }
    return appended;
  }

  async function run(flow: CompiledFlow, batches: IncomingRecord[][]): Promise<FlowRunner> {
    const runner = new FlowRunner(flow, kafka, await kafka.producer(), serde, schemas, logger);
    await runner.start();
    for (const batch of batches) await kafka.handlers.get(runner.groupId)!({ topic: 'in', partition: 0, records: batch }, control);
    return runner;
  }

  async function customerIds(topic: string): Promise<string[]> {
    const ids: string[] = [];
    for (const record of kafka.records(topic)) ids.push(((await serde.decode(record.value)).value as { customerId: string }).customerId);
    return ids;
  }

  it('filters and maps a large batch, producing each output topic in the order of the input', async () => {
    const flow = compile(`name: vip
from: in
steps:
  - filter: status = "ACTIVE" and $count(phones[type = "MOBILE"]) > 0
  - map: { keep: true, fields: { fullName: "$uppercase(fullName)" } }
to: [{ topic: out-a, schema: ${CUSTOMER} }, { topic: out-b, schema: ${CUSTOMER} }]
`);
    const input = await records(3000);
    const runner = await run(flow, [input.slice(0, 2500), input.slice(2500)]);
    const active = input.map((_, index) => `C${String(index).padStart(12, '0')}`).filter((_, index) => index % 3 !== 2);
    expect(await customerIds('out-a')).to.deep.equal(active);
    expect(await customerIds('out-b')).to.deep.equal(active);
    expect(runner.counters).to.include({ recordsIn: 3000, recordsOut: 2 * active.length, deadLettered: 0, failures: 0 });
  });

  it('dead-letters an output larger than a broker takes by its UTF-8 bytes, and passes one just under, both near the limit', async () => {
    // 3 UTF-8 bytes a character: 340,000 are 1.02 MB encoded though only 340,000 UTF-16 units; 330,000 are 0.99 MB.
    const widen = testStep('widen', (message) => [
      { ...message, value: { ...message.value, fullName: '张'.repeat(message.value.customerId === 'C000000000001' ? 340_000 : 330_000) } },
    ]);
    const flow = compile(
      `name: wide
from: in
steps:
  - widen: {}
to: { topic: out, schema: ${CUSTOMER} }
`,
      [widen],
    );
    const runner = await run(flow, [await records(3)]);
    expect(await customerIds('out')).to.deep.equal(['C000000000000', 'C000000000002']);
    const [dead] = kafka.records('dlq.flow.wide');
    expect(dead!.headers['dlq-error-code']).to.equal('RECORD_TOO_LARGE');
    expect(dead!.headers['dlq-error-message']).to.match(/is 10\d{5} bytes encoded, larger than the 1000000 bytes/);
    expect(runner.counters).to.include({ deadLettered: 1, recordsOut: 2 });
  });

  it('retries a step that fails with a retriable error, from the message it first saw, then goes on', async () => {
    const flaky = testStep('flaky', (message, seen) => {
      if (seen === 0) throw new HubError('DOWNSTREAM_AWAY', 'not yet', { retriable: true });
      return [message];
    });
    const flow = compile(
      `name: flaky
from: in
steps:
  - flaky: {}
to: { topic: out, schema: ${CUSTOMER} }
errors: { retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 } }
`,
      [flaky],
    );
    const runner = await run(flow, [await records(3)]);
    expect(await customerIds('out')).to.deep.equal(['C000000000000', 'C000000000001', 'C000000000002']);
    expect(runner.counters).to.include({ recordsOut: 3, failures: 3, deadLettered: 0 });
  });

  it('dead-letters a message whose step keeps failing, naming the step, and produces the others', async () => {
    const picky = testStep('picky', (message) => {
      if (message.value.customerId === 'C000000000001') throw new HubError('NOT_FOR_US', 'refused');
      return [message];
    });
    const flow = compile(
      `name: picky
from: in
steps:
  - filter: "true"
  - picky: {}
to: { topic: out, schema: ${CUSTOMER} }
`,
      [picky],
    );
    const runner = await run(flow, [await records(3)]);
    expect(await customerIds('out')).to.deep.equal(['C000000000000', 'C000000000002']);
    const [dead] = kafka.records('dlq.flow.picky');
    expect(dead!.headers['dlq-flow-step']).to.equal('steps[1].picky');
    expect(runner.counters).to.include({ deadLettered: 1 });
  });

  it('waits for a step that answers later, keeping the order of the messages', async () => {
    const slow = testStep(
      'slow',
      (message) => new Promise((resolve) => setTimeout(() => resolve([message]), Number(String(message.value.customerId).slice(-1)) % 3)),
    );
    const flow = compile(
      `name: slow
from: in
steps:
  - filter: "true"
  - slow: {}
  - map: { keep: true, fields: { fullName: "$uppercase(fullName)" } }
to: { topic: out, schema: ${CUSTOMER} }
`,
      [slow],
    );
    expect(flow.processNow!({ key: 'k', value: sampleCustomer(), headers: {}, topic: 'in' })).to.be.instanceOf(Promise);
    await run(flow, [await records(20)]);
    expect(await customerIds('out')).to.deep.equal(Array.from({ length: 20 }, (_, index) => `C${String(index).padStart(12, '0')}`));
  });

  it('answers processNow at once while every step does, and throws there what process rejects with', async () => {
    const refuse = testStep('refuse', (message) => {
      if (message.value.status === 'MERGED') throw new HubError('NOT_FOR_US', 'refused');
      return [message];
    });
    const flow = compile(
      `name: now
from: in
steps:
  - filter: status != "INACTIVE"
  - refuse: {}
  - map: { keep: true, fields: { fullName: "$uppercase(fullName)" } }
to: { topic: out, schema: ${CUSTOMER} }
`,
      [refuse],
    );
    const message = (status: string): FlowMessage => ({
      key: 'k',
      value: { ...sampleCustomer(), fullName: 'Zhang Wei', status },
      headers: {},
      topic: 'in',
    });
    expect(flow.processNow!(message('INACTIVE'))).to.deep.equal([]);
    const [output] = flow.processNow!(message('ACTIVE')) as { message: FlowMessage }[];
    expect(output!.message.value.fullName).to.equal('ZHANG WEI');
    expect(await flow.process(message('ACTIVE'))).to.deep.equal(flow.processNow!(message('ACTIVE')));
    expect(() => flow.processNow!(message('MERGED')))
      .to.throw(HubError)
      .with.property('step', 'steps[1].refuse');
    const rejected = flow.process(message('MERGED'));
    expect(rejected).to.be.instanceOf(Promise);
    expect(await rejected.catch((error: unknown) => error)).to.include({ name: 'FlowStepError', step: 'steps[1].refuse' });
  });

  it('runs a flow with a stateful step as two stages: the first keys messages to the repartition topic, the second keeps state and applies each source record once', async () => {
    // A step that changes keys before it: dedupe can no longer keep its state on the input's partitions.
    const flow = compile(
      `name: staged\nfrom: in\nsteps:\n  - set-key: customerId\n  - dedupe: { key: customerId, window: 1h }\nto: { topic: out, schema: ${CUSTOMER} }\n`,
    );
    expect(flow.stateful).to.equal(false);
    const [stage] = flow.stages!;
    expect(stage!.from).to.deep.equal(['crm-hub.repartition.staged.steps-1']);
    const store = new InMemoryPartitionedState<unknown>(1);
    store.assign([0]);
    stage!.state!.attach(store);
    const input = await records(3);
    // A resent event: the same key and value again, at a later offset.
    const copy = kafka.append('in', { key: 'C000000000001', value: input[1]!.value, headers: { ...input[1]!.headers, resent: 'yes' } });
    const first = await run(flow, [[...input, copy]]);
    // Handed to the next stage is not out of the flow.
    expect(first.counters).to.include({ recordsIn: 4, recordsOut: 0 });
    const repartitioned = kafka.records('crm-hub.repartition.staged.steps-1');
    expect(repartitioned.map((record) => record.key?.toString())).to.deep.equal([
      'C000000000000',
      'C000000000001',
      'C000000000002',
      'C000000000001',
    ]);
    // Its own key and where it was read ride along; the state stage reads them back.
    expect(repartitioned[3]!.headers).to.include({ 'crm-hub-repartition-key': 'C000000000001', 'crm-hub-repartition-source': 'in:0:3' });

    const second = new FlowRunner(stage!, kafka, await kafka.producer(), serde, schemas, logger);
    await second.start();
    expect(second.groupId).to.equal('crm-hub.flow.staged.steps-1');
    const handle = kafka.handlers.get(second.groupId)!;
    const batch = { topic: 'crm-hub.repartition.staged.steps-1', partition: 0, records: repartitioned };
    await handle(batch, control);
    expect(await customerIds('out')).to.deep.equal(['C000000000000', 'C000000000001', 'C000000000002']);
    expect(kafka.records('out').map((record) => record.key?.toString())).to.deep.equal(['C000000000000', 'C000000000001', 'C000000000002']);
    // Read again (a crash before the commit): nothing applied twice, nothing sent twice.
    await handle(batch, control);
    expect(await customerIds('out')).to.have.length(3);
    expect(stage!.state!.size().keys).to.equal(3);
    expect(second.counters).to.include({ recordsIn: 8, recordsOut: 3, deadLettered: 0 });
    await second.stop();
  });

  it('keeps a dedupe on the message key on the input partitions: one stage, no repartition topic, each input record applied once', async () => {
    const flow = compile(
      `name: inplace\nfrom: in\nsteps:\n  - dedupe: { key: customerId, window: 1h }\nto: { topic: out, schema: ${CUSTOMER} }\n`,
    );
    expect(flow.stages).to.equal(undefined);
    expect(flow).to.include({ stateful: true, stateName: 'steps-0' });
    expect(flow.repartitionTopics).to.equal(undefined);
    const store = new InMemoryPartitionedState<unknown>(1);
    store.assign([0]);
    flow.state!.attach(store);
    const input = await records(3);
    const copy = kafka.append('in', { key: 'C000000000001', value: input[1]!.value, headers: input[1]!.headers });
    const runner = await run(flow, [[...input, copy]]);
    expect(kafka.records('out').map((record) => record.key?.toString())).to.deep.equal(['C000000000000', 'C000000000001', 'C000000000002']);
    expect(runner.counters).to.include({ recordsIn: 4, recordsOut: 3 });
    // The same batch again (a crash before the commit): its records were applied, nothing goes out twice.
    await kafka.handlers.get(runner.groupId)!({ topic: 'in', partition: 0, records: [...input, copy] }, control);
    expect(kafka.records('out')).to.have.length(3);
    expect(store.get(0, 's/in:0')).to.equal('3');
    await runner.stop();
  });
});
