import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { FlowRuntime, type FlowStatus } from '../../../src/flows/flow-runtime.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { withDeclaredTopics } from '../../support/declared-flow-topics.js';
import { InMemoryKafka } from '../../support/in-memory-kafka.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ScriptedFolder } from '../../support/scripted-folder.js';

const CUSTOMER = 'crmhub.customer.Customer';
const control = { heartbeat: async () => undefined, isRunning: () => true };

function flowFile(name: string, filter: string): string {
  return withDeclaredTopics(
    `name: ${name}
from: in
steps:
  - filter: ${filter}
to: { topic: out, schema: ${CUSTOMER} }
`,
    { in: CUSTOMER, out: CUSTOMER },
  );
}

/**
 * Lets the runtime finish what a settled file set off (reading the file, compiling, starting): turns
 * of the event loop, no clock, until `condition` holds.
 */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

describe('FlowRuntime reloading a watched folder', () => {
  let schemas: SchemaCatalog;
  let serde: AvroSerde;
  let kafka: InMemoryKafka;
  let clock: ManualClock;
  let folder: ScriptedFolder;
  let dir: string;
  let logLines: string[];
  /** The group of each consumer stopped, in order: a flow version that is not stopped goes on taking its group's records. */
  let stoppedConsumers: string[];
  let runtime: FlowRuntime | undefined;

  before(async () => {
    schemas = await SchemaCatalog.load();
  });
  beforeEach(async () => {
    serde = new AvroSerde(new InMemorySchemaRegistry());
    kafka = new InMemoryKafka();
    stoppedConsumers = [];
    const consumer = kafka.consumer.bind(kafka);
    kafka.consumer = async (options: Parameters<InMemoryKafka['consumer']>[0]) => {
      const made = await consumer(options);
      return { ...made, stop: () => (stoppedConsumers.push(options.groupId), made.stop()) };
    };
    clock = new ManualClock();
    folder = new ScriptedFolder();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-flow-runtime-'));
    logLines = [];
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function start(): Promise<FlowRuntime> {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(String((JSON.parse(chunk.toString()) as { message: string }).message));
        done();
      },
    });
    runtime = await FlowRuntime.start(
      dir,
      { client: kafka, serde, schemas, steps: createStepRegistry(), logger: createLogger({ level: 'info', stream }) },
      { watch: { clock, watchFolder: folder.watch } },
    );
    return runtime;
  }

  function status(name: string): FlowStatus | undefined {
    return runtime!.statuses().find((each) => each.name === name);
  }

  /** Hands the flow's consumer one customer of `segment` and answers the customer ids the flow has written. */
  async function send(flow: string, customerId: string, segment: string): Promise<string[]> {
    const value = { ...sampleCustomer(), customerId, valueSegment: segment };
    const record = kafka.append('in', {
      key: customerId,
      value: await serde.encode(valueSubject('in'), schemas.registrySchema(CUSTOMER), value),
    });
    const runner = runtime!.runner(flow)!;
    await kafka.handlers.get(runner.groupId)!({ topic: 'in', partition: 0, records: [record] }, control);
    const ids: string[] = [];
    for (const written of kafka.records('out')) ids.push(((await serde.decode(written.value)).value as { customerId: string }).customerId);
    return ids;
  }

  it('compiles a changed file again once the edits settle, and starts it as the next generation', async () => {
    await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = "GOLD"'));
    await start();
    expect(await send('vip', 'G1', 'GOLD')).to.deep.equal(['G1']);

    await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = "SILVER"'));
    folder.changed('vip.yaml', 'vip.yaml', 'vip.yaml');
    await clock.advance(299);
    expect(status('vip')).to.include({ generation: 1 });
    await clock.advance(1);
    await until(() => status('vip')?.generation === 2, 'the reload');
    expect(status('vip')).to.include({ state: 'running', generation: 2 });
    expect(await send('vip', 'S1', 'SILVER')).to.deep.equal(['G1', 'S1']);
    expect(logLines).to.include(`flow file ${path.join(dir, 'vip.yaml')} changed: compiling it again`);
  });

  it('reports a bad edit at its file, line and column, while the last good version keeps running', async () => {
    await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = "GOLD"'));
    await fs.writeFile(path.join(dir, 'other.yaml'), flowFile('other', 'status = "ACTIVE"'));
    await start();

    await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = $nosuchfunction()'));
    folder.changed('vip.yaml');
    await clock.advance(300);
    await until(() => status('vip')?.issues !== undefined, 'the refused edit');

    const refused = status('vip')!;
    expect(refused).to.deep.include({ state: 'running', generation: 1 });
    expect(refused.issues).to.have.length(1);
    expect(refused.issues![0], refused.issues![0]).to.match(/vip\.yaml:4:28 steps\[0\]\.filter: unknown function \$nosuchfunction/);
    expect(logLines.some((line) => /^flow file .*vip\.yaml: .*vip\.yaml:4:28 steps\[0\]\.filter: unknown function/.test(line))).to.equal(
      true,
    );
    expect(logLines).to.include(
      `flow vip: the new version of ${path.join(dir, 'vip.yaml')} is invalid; the last good version keeps running`,
    );
    expect(await send('vip', 'G2', 'GOLD'), 'the last good version still filters on GOLD').to.deep.equal(['G2']);
    expect(status('other')).to.deep.include({ state: 'running', generation: 1 });
    expect(await send('other', 'S2', 'SILVER')).to.deep.equal(['G2', 'S2']);
  });

  it('stops the flow of a removed file', async () => {
    await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = "GOLD"'));
    await fs.writeFile(path.join(dir, 'other.yaml'), flowFile('other', 'status = "ACTIVE"'));
    await start();

    await fs.unlink(path.join(dir, 'other.yaml'));
    folder.changed('other.yaml');
    await clock.advance(300);
    await until(() => status('other') === undefined, 'the removed flow stopped');
    expect(runtime!.runner('other')).to.equal(undefined);
    expect(stoppedConsumers).to.deep.equal(['crm-hub.flow.other']);
    expect(logLines).to.include(`flow other stopped: ${path.join(dir, 'other.yaml')} was removed`);
    expect(status('vip')).to.deep.include({ state: 'running', generation: 1 });
  });

  // fs.watch on Linux tells the old name first; elsewhere, or when the two settle apart, the new one may come first.
  for (const [order, names] of [
    ['the old name told first', ['vip.yaml', 'gold.yaml']],
    ['the new name told first', ['gold.yaml', 'vip.yaml']],
  ] as const) {
    it(`runs a renamed file from its new name and stops the version of the old one (${order})`, async () => {
      await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = "GOLD"'));
      await start();

      await fs.rename(path.join(dir, 'vip.yaml'), path.join(dir, 'gold.yaml'));
      folder.changed(...names);
      await clock.advance(300);
      await until(() => status('vip')?.file === path.join(dir, 'gold.yaml'), 'the flow from its new file');
      await clock.advance(300);
      await until(() => stoppedConsumers.length > 0, 'the old version stopped');
      expect(status('vip')).to.deep.include({ state: 'running', generation: 1 });
      expect(status('vip')!.issues).to.equal(undefined);
      expect(runtime!.statuses().map((each) => each.name)).to.deep.equal(['vip']);
      expect(stoppedConsumers, 'the old version stopped, once').to.deep.equal(['crm-hub.flow.vip']);
      expect(await send('vip', 'G3', 'GOLD')).to.deep.equal(['G3']);
    });
  }

  it('refuses a second file giving the name of a running flow, as crm-hub validate does, and the first runs on', async () => {
    await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = "GOLD"'));
    await start();

    await fs.writeFile(path.join(dir, 'copy.yaml'), flowFile('vip', 'valueSegment = "SILVER"'));
    folder.changed('copy.yaml');
    await clock.advance(300);
    const copy = path.join(dir, 'copy.yaml');
    await until(() => status(copy) !== undefined, 'the copy refused');
    expect(status(copy)).to.deep.include({ state: 'failed', generation: 0 });
    expect(status(copy)!.issues).to.have.length(1);
    expect(status(copy)!.issues![0]).to.match(
      /copy\.yaml:1:7 name: flow vip is also defined by .*vip\.yaml; names must be unique \(each is a consumer group\)$/,
    );
    expect(status('vip')).to.deep.include({ state: 'running', generation: 1, file: path.join(dir, 'vip.yaml') });
    expect(stoppedConsumers).to.deep.equal([]);
    expect(await send('vip', 'S1', 'SILVER'), 'the first file still filters on GOLD').to.deep.equal([]);
    expect(await send('vip', 'G1', 'GOLD')).to.deep.equal(['G1']);
  });

  it('refuses the later of two files giving one flow name at start, in the order of their names', async () => {
    await fs.writeFile(path.join(dir, 'b.yaml'), flowFile('vip', 'valueSegment = "SILVER"'));
    await fs.writeFile(path.join(dir, 'a.yaml'), flowFile('vip', 'valueSegment = "GOLD"'));
    await start();
    expect(runtime!.statuses().map(({ name, file, state }) => ({ name, file, state }))).to.deep.equal([
      { name: 'vip', file: path.join(dir, 'a.yaml'), state: 'running' },
      { name: path.join(dir, 'b.yaml'), file: path.join(dir, 'b.yaml'), state: 'failed' },
    ]);
    expect(status(path.join(dir, 'b.yaml'))!.issues![0]).to.match(/b\.yaml:1:7 name: flow vip is also defined by .*a\.yaml;/);
  });

  it('starts a flow file added to the folder, and leaves flow tests and other files alone', async () => {
    await start();
    expect(runtime!.statuses()).to.deep.equal([]);
    await fs.writeFile(path.join(dir, 'vip.yaml'), flowFile('vip', 'valueSegment = "GOLD"'));
    await fs.writeFile(path.join(dir, 'vip.test.yaml'), 'not a flow');
    folder.changed('vip.test.yaml', 'notes.md', 'vip.yaml');
    await clock.advance(300);
    await until(() => status('vip')?.state === 'running', 'the new flow');
    expect(runtime!.statuses().map((each) => each.name)).to.deep.equal(['vip']);
  });

  it('stops watching when stopped', async () => {
    await start();
    await runtime!.stop();
    runtime = undefined;
    expect(folder.closed).to.equal(true);
  });
});
