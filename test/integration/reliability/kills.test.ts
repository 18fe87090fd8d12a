import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../src/platform/avro/schema-registry-client.js';
import type { HubProducer, KafkaClient } from '../../../src/platform/kafka/kafka-client.js';
import { ConsumerLagReader } from '../../../src/platform/kafka/consumer-lag.js';
import { KafkajsClient } from '../../../src/platform/kafka/kafkajs-client.js';
import { residentIdNumber } from '../../../src/demo/synthetic/resident-id-number.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { warehouseCustomerFlow } from '../../fixtures/warehouse-customer-flow.js';
import { startBackOfficeSimulator, type BackOfficeSimulator } from '../../../src/demo/back-office-simulator.js';
import { consumerGroupMembers, type GroupMembers } from '../../support/consumer-group-members.js';
import { KeyTally } from '../../support/key-tally.js';
import { RunningHub } from '../../support/running-hub.js';
import { tallyTopic, type TopicKeyTally } from '../../support/topic-key-tally.js';
import { waitOrFail, waitUntil, waitWhileProgressing, type ProgressOutcome } from '../../support/wait-until.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

/**
 * SIGKILL of hub processes mid-stream, on the real broker: at least once means every key arrives,
 * duplicates are counted and reported. CRM_HUB_SOAK=1 runs the long variants (with
 * NODE_OPTIONS=--max-old-space-size=12288). Each test prints its figures in one `reliability:` line.
 */
const SOAK = process.env.CRM_HUB_SOAK === '1';
const SESSION_TIMEOUT_MS = 10_000;
const RECORDS = SOAK ? 1_000_000 : 50_000;
const TWO_HUB_RECORDS = SOAK ? 500_000 : 10_000;
/** Before the kill the source stays at most a quarter of the rows ahead of the sink, so that the kill finds the flow mid-stream too. */
const aheadOfSink = (rows: number): number => Math.min(8000, Math.ceil(rows / 4));
const INPUT_PARTITIONS = 6;
/** How long nothing may move before a wait gives up: a takeover waits out the killed member's 30 s session timeout (kafkajs default), and a hub starts slowly on a busy machine. */
const STALL_MS = 120_000;
const CAP_MS = SOAK ? 6 * 3_600_000 : 12 * 60_000;
/** One customer in ten is INACTIVE and must be dropped by the flow's filter. */
const isActive = (i: number): boolean => i % 10 !== 9;

type Row = Record<string, unknown>;

/** Reports one figure line for the README; on stdout, apart from mocha's own output. */
function report(line: string): void {
  process.stdout.write(`reliability: ${line}\n`);
}

const percent = (part: number, whole: number): string => `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function hubConfig(sink: string, loaderUrl: string, customerView: boolean, directTopic: string): string {
  // http-sink has no default topics and the hub config wants some: a topic of its own that nobody
  // writes to here. The rows reach the instance through the flow's connector destination.
  return `connectors:
  ${sink}:
    connector: http-sink
    topics: [${directTopic}]
    batchSize: 100
    concurrency: 8
    retry: { attempts: 10, initialDelayMs: 100, maxDelayMs: 2000, multiplier: 2 }
    config:
      url: "${loaderUrl}/api/rows/{key}"
      method: PUT
customerView: { enabled: ${customerView} }
`;
}

/** Everything one scenario runs on: unique topics, flow, sink instance and the warehouse loader it writes to. */
interface Scenario {
  id: string;
  input: string;
  output: string;
  flow: string;
  sink: string;
  dir: string;
  configFile: string;
  flowsDir: string;
  loader: BackOfficeSimulator;
  expected: Set<string>;
  total: number;
}

describe('reliability: SIGKILL of hub processes mid-stream', function () {
  // A safety net only: the waits below give up as soon as the hubs stop making progress.
  this.timeout(SOAK ? 8 * 3_600_000 : 15 * 60_000);
  // The infrastructure starts in mocha's global setup, after this file is loaded: read it lazily.
  const kafka = {
    get brokers() {
      return infrastructure().kafka.brokers;
    },
  };
  const registry = {
    get url() {
      return infrastructure().registry.url;
    },
  };
  let client: KafkaClient;
  let serde: AvroSerde;
  let catalog: SchemaCatalog;
  let producer: HubProducer;
  let hubs: RunningHub[] = [];
  let tallies: TopicKeyTally[] = [];
  let scenario: Scenario | undefined;
  /** Ends paced sources of a test that failed before it let them finish. */
  let sourcesStopped = false;

  before(async () => {
    // The loader simulator keeps every row, its write log and its idempotency keys in this process:
    // about 5 KB a row, some 5 GB for the soak's million.
    const heapGiB = v8.getHeapStatistics().heap_size_limit / 2 ** 30;
    if (SOAK && heapGiB < 10)
      throw new Error(`the soak needs a larger heap than ${heapGiB.toFixed(1)} GiB: run it with NODE_OPTIONS=--max-old-space-size=12288`);
    client = new KafkajsClient({ brokers: kafka.brokers });
    serde = new AvroSerde(new SchemaRegistryClient(registry.url));
    catalog = await SchemaCatalog.load();
    producer = await client.producer();
  });

  after(async () => {
    await producer?.disconnect();
  });

  beforeEach(() => {
    sourcesStopped = false;
  });

  afterEach(async () => {
    sourcesStopped = true;
    await Promise.all(hubs.map((hub) => hub.dispose()));
    for (const hub of hubs) expect(hub.alive, `${hub.label} (pid ${hub.pid}) left running`).to.equal(false);
    hubs = [];
    await Promise.all(tallies.map((tally) => tally.stop().catch(() => undefined)));
    tallies = [];
    await scenario?.loader.close();
    if (scenario) fs.rmSync(scenario.dir, { recursive: true, force: true });
    scenario = undefined;
  });

  async function startHub(label: string, from: Scenario): Promise<RunningHub> {
    // A third of kafkajs's default session timeout: the survivor takes over sooner (and the test runs shorter).
    const env = { CRM_HUB_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) };
    const hub = await RunningHub.start({
      label,
      brokers: kafka.brokers,
      registryUrl: registry.url,
      configFile: from.configFile,
      flowsDir: from.flowsDir,
      env,
    });
    hubs.push(hub);
    return hub;
  }

  async function prepare(total: number, options: { customerView: boolean }): Promise<Scenario> {
    const id = uniqueName('kill').toLowerCase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-kills-'));
    const flowsDir = path.join(dir, 'flows');
    fs.mkdirSync(flowsDir);
    const loader = await startBackOfficeSimulator({ name: 'dw-loader', collections: { rows: { keyField: 'customerId' } } });
    const made: Scenario = {
      id,
      input: `it.reliability.${id}.customers`,
      output: `it.reliability.${id}.rows`,
      flow: `${id}-to-dw`,
      sink: `${id}-dw-loader`,
      dir,
      flowsDir,
      configFile: path.join(dir, 'crm-hub.yaml'),
      loader,
      expected: new Set(
        Array.from({ length: total }, (_, i) => i)
          .filter(isActive)
          .map((i) => customerKey(id, i)),
      ),
      total,
    };
    scenario = made;
    fs.writeFileSync(
      path.join(flowsDir, `${made.flow}.yaml`),
      warehouseCustomerFlow({ name: made.flow, from: made.input, to: [{ topic: made.output }, { connector: made.sink }] }),
    );
    fs.writeFileSync(made.configFile, hubConfig(made.sink, loader.url, options.customerView, `it.reliability.${id}.direct-rows`));
    const admin = await client.admin();
    // More partitions than one process takes alone, so that two hubs share the flow's input; the
    // output exists before the flow writes to it, so that the test can count it from the start.
    await admin
      .ensureTopics([
        { topic: made.input, partitions: INPUT_PARTITIONS },
        { topic: made.output, partitions: 3 },
        { topic: `connector.${made.sink}.in`, partitions: INPUT_PARTITIONS },
      ])
      .finally(() => admin.disconnect());
    return made;
  }

  function customerKey(id: string, i: number): string {
    return `${id}-${String(i).padStart(7, '0')}`;
  }

  /**
   * Produces the scenario's customers in chunks, as a CRM source would: paced to stay at most
   * aheadOfSink rows in front of the sink until `unpace` is called, then the rest at once (the CRM goes
   * on sending while the hub is down).
   */
  function produceCustomers(on: Scenario): { done: Promise<void>; unpace(): void } {
    let paced = true;
    const done = (async () => {
      const schema = catalog.registrySchema('crmhub.customer.Customer');
      const subject = valueSubject(on.input);
      const chunk = 1000;
      const ahead = aheadOfSink(on.expected.size);
      for (let start = 0; start < on.total && !sourcesStopped; start += chunk) {
        while (paced && !sourcesStopped && start * 0.9 - answered(on) >= ahead) await new Promise((resolve) => setTimeout(resolve, 20));
        await produceChunk(on, subject, schema, start, Math.min(start + chunk, on.total));
      }
    })();
    // Awaited by the test; a test that failed earlier must not leave it unobserved.
    done.catch(() => undefined);
    return { done, unpace: () => (paced = false) };
  }

  async function produceChunk(on: Scenario, subject: string, schema: string, from: number, to: number): Promise<void> {
    const records = [];
    for (let i = from; i < to; i++) {
      const key = customerKey(on.id, i);
      const value = {
        ...sampleCustomer(),
        meta: {
          eventId: `evt-${key}`,
          eventType: 'CustomerUpdated',
          sourceSystem: 'crm',
          occurredAt: '2026-11-23T08:30:00.000Z',
          correlationId: `corr-${key}`,
        },
        customerId: key,
        status: isActive(i) ? 'ACTIVE' : 'INACTIVE',
      };
      records.push({ key, value: await serde.encode(subject, schema, value), headers: { 'correlation-id': `corr-${key}` } });
    }
    await producer.send(on.input, records);
  }

  /** Counts the flow's output topic live, checking that every row is a mapped warehouse row of an active customer. */
  async function tallyOutput(on: Scenario): Promise<TopicKeyTally> {
    const tally = await tallyTopic(client, on.output, async (record) => {
      const decoded = await serde.decode(record.value, record);
      const row = decoded.value as Row;
      if (
        decoded.schemaName !== 'crmhub.dw.DwCustomer' ||
        row.customerId !== record.key?.toString() ||
        row.status !== 'ACTIVE' ||
        row.phoneCount !== 2
      ) {
        throw new Error(`not a mapped row of an active customer: ${decoded.schemaName} ${JSON.stringify(row)}`);
      }
    });
    tallies.push(tally);
    return tally;
  }

  /** Successful writes the loader answered (replays of an Idempotency-Key included): cheap enough to poll. */
  const answered = (on: Scenario): number => on.loader.stats().byStatus[200] ?? 0;

  function sinkTally(on: Scenario): KeyTally {
    const writes = on.loader.received('rows');
    for (const write of writes) {
      if (write.body.customerId !== write.key || write.body.status !== 'ACTIVE')
        throw new Error(`the loader got a row that is not a mapped active customer: ${JSON.stringify(write)}`);
    }
    return KeyTally.of(writes.map((write) => write.key));
  }

  /**
   * Every expected key at the loader and on the output topic, then the flow's and the sink's groups
   * committed to the end (nothing left that could still arrive as a duplicate and change the figures).
   */
  async function waitForCompletion(on: Scenario, output: TopicKeyTally): Promise<ProgressOutcome | 'not settled'> {
    let checkedAt = 0;
    const outcome = await waitWhileProgressing(
      () => {
        if (output.failure) throw output.failure;
        if (output.tally.distinct < on.expected.size || answered(on) < on.expected.size) return false;
        // Reading the loader's write log back copies every row: only now and then.
        if (Date.now() - checkedAt < (SOAK ? 10_000 : 2000)) return false;
        checkedAt = Date.now();
        return sinkTally(on).distinct >= on.expected.size;
      },
      () => answered(on) + output.tally.total,
      { stallMs: STALL_MS, capMs: CAP_MS },
    );
    if (outcome !== 'done') return outcome;
    const admin = await client.admin();
    try {
      const lag = new ConsumerLagReader(admin, { maxAgeMs: 0, timeoutMs: 10_000 });
      const settled = await waitUntil(
        async () => {
          const [flow, sink] = await Promise.all([
            lag.lag({ groupId: `crm-hub.flow.${on.flow}`, topics: [on.input] }),
            lag.lag({ groupId: `crm-hub.sink.${on.sink}`, topics: [`connector.${on.sink}.in`] }),
          ]);
          return flow.total === 0 && sink.total === 0;
        },
        60_000,
        500,
      );
      return settled ? 'done' : 'not settled';
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until a third of the rows reached the loader (and `also` holds), failing when the hub stops making progress. */
  async function waitForAThird(on: Scenario, hubs: RunningHub[], also: () => Promise<boolean> = async () => true): Promise<void> {
    const third = Math.ceil(on.expected.size / 3);
    const outcome = await waitWhileProgressing(
      async () => {
        const exited = hubs.find((hub) => !hub.alive);
        if (exited) throw new Error(`${exited.label} exited by itself: ${exited.cli.stderr().slice(-3000)}`);
        return answered(on) >= third && (await also());
      },
      () => answered(on),
      { stallMs: STALL_MS, capMs: CAP_MS },
    );
    if (outcome !== 'done')
      throw new Error(
        `${outcome} before a third of ${on.expected.size} rows reached the loader (have ${answered(on)}; ${hubs.map((hub) => `${hub.label} said: ${hub.cli.stderr().slice(-1500)}`).join('; ')})`,
      );
  }

  it(`loses nothing when the hub is SIGKILLed mid-stream and started again (${RECORDS} records through filter + map to a topic and an HTTP sink)`, async () => {
    const on = await prepare(RECORDS, { customerView: false });
    const output = await tallyOutput(on);
    const first = await startHub('hub', on);
    const source = produceCustomers(on);
    const started = Date.now();
    await first.ready(90_000);
    await expectRunning(first, on);

    // Kill when about a third has reached the sink.
    await waitForAThird(on, [first]);
    await first.kill();
    const killedAt = Date.now();
    const exit = await first.cli.exited;
    const atKill = { sink: sinkTally(on).distinct, topic: output.tally.distinct };
    source.unpace();

    const second = await startHub('hub (restarted)', on);
    await source.done;
    const complete = await waitForCompletion(on, output);
    const finished = Date.now();
    const sink = sinkTally(on);
    const lost = new Set([...sink.missing(on.expected), ...output.tally.missing(on.expected)]);
    const replayed = answered(on) - sink.total;
    report(
      `SIGKILL mid-stream — ${on.total} records (${on.expected.size} through the filter), 1 kill at ${percent(atKill.sink, on.expected.size)} delivered to the sink (${percent(atKill.topic, on.expected.size)} on the output topic), ${lost.size} lost, ` +
        `${sink.duplicates + replayed} duplicate deliveries to the sink (${percent(sink.duplicates + replayed, on.expected.size)}; ${replayed} of them replays absorbed by Idempotency-Key), ${output.tally.duplicates} duplicates on the output topic (${percent(output.tally.duplicates, on.expected.size)}), ` +
        `killed after ${seconds(killedAt - started)}, ${seconds(finished - killedAt)} from kill to all delivered and committed`,
    );

    expect(exit.signal, 'the hub died of the SIGKILL').to.equal('SIGKILL');
    expect(atKill.sink / on.expected.size, 'the kill came mid-stream at the sink').to.be.within(0.1, 0.9);
    expect(atKill.topic / on.expected.size, 'the kill came mid-stream on the output topic').to.be.within(0.1, 0.9);
    expect(complete, `every row delivered and committed after the restart (hub said: ${second.cli.stderr().slice(-2000)})`).to.equal(
      'done',
    );
    expect([...lost].slice(0, 10), 'keys lost').to.deep.equal([]);
    expect(sink.unexpected(on.expected).slice(0, 10), 'filtered-out customers at the sink').to.deep.equal([]);
    expect(output.tally.unexpected(on.expected).slice(0, 10), 'filtered-out customers on the topic').to.deep.equal([]);
    expect(second.alive, 'the restarted hub runs on').to.equal(true);
  });

  it(`two hubs on one flow: the survivor of a SIGKILL takes over its partitions and its identity resolution (${TWO_HUB_RECORDS} records)`, async () => {
    const on = await prepare(TWO_HUB_RECORDS, { customerView: true });
    const output = await tallyOutput(on);
    const pair = await Promise.all([startHub('hub A', on), startHub('hub B', on)]);
    await Promise.all(pair.map((hub) => hub.ready(90_000).then(() => expectRunning(hub, on))));
    const flowGroup = `crm-hub.flow.${on.flow}`;

    // Both processes hold partitions of the flow's input before anything is produced.
    let members: GroupMembers = { state: '', members: [] };
    await waitOrFail(
      async () => {
        members = await consumerGroupMembers(kafka.brokers, flowGroup, on.input);
        return (
          members.state === 'Stable' && members.members.length === 2 && members.members.every((member) => member.partitions.length > 0)
        );
      },
      60_000,
      () => `two members sharing ${on.input} (have ${JSON.stringify(members)})`,
    );

    // Identity resolution is active in one process only; a customer makes it show which.
    const run = Math.floor(Math.random() * 9_000_000) + 1_000_000;
    const before = await produceCrmCustomer(run, 1);
    let active: RunningHub | undefined;
    await waitOrFail(
      async () => {
        const states = await Promise.all(pair.map((hub) => identityState(hub)));
        active = pair[states.indexOf('active')];
        return active !== undefined && (await lookup(active, before)) === 200;
      },
      90_000,
      () => `an active identity resolution that resolved ${before}`,
    );
    const standby = pair.find((hub) => hub !== active)!;
    expect(await identityState(standby), 'the other process stands by').to.equal('standby');

    // Mid-stream, with both processes consuming, kill the one whose identity resolution is active.
    const source = produceCustomers(on);
    const counters: Record<string, number> = {};
    await waitForAThird(on, pair, async () => {
      for (const hub of pair) counters[hub.label] = await flowRecordsIn(hub, on.flow);
      return Object.values(counters).every((count) => count > 0);
    });
    const killedState = await identityState(active!);
    await active!.kill();
    const killedAt = Date.now();
    const exit = await active!.cli.exited;
    const atKill = { sink: sinkTally(on).distinct, topic: output.tally.distinct };
    source.unpace();
    await source.done;

    // A customer that appears after the kill can only be resolved by the survivor.
    const after = await produceCrmCustomer(run, 2);
    let failoverMs: number | undefined;
    let takeoverMs: number | undefined;
    const takeover = waitUntil(
      async () => {
        members = await consumerGroupMembers(kafka.brokers, flowGroup, on.input);
        const whole =
          members.state === 'Stable' && members.members.length === 1 && members.members[0]!.partitions.length === INPUT_PARTITIONS;
        if (whole) takeoverMs = Date.now() - killedAt;
        return whole;
      },
      120_000,
      250,
    );
    const failover = waitUntil(
      async () => {
        const resolved = (await lookup(standby, after)) === 200;
        if (resolved) failoverMs = Date.now() - killedAt;
        return resolved;
      },
      120_000,
      250,
    );
    const [tookOver, failedOver] = await Promise.all([takeover, failover]);
    const complete = await waitForCompletion(on, output);
    const finished = Date.now();
    const sink = sinkTally(on);
    const lost = new Set([...sink.missing(on.expected), ...output.tally.missing(on.expected)]);
    const replayed = answered(on) - sink.total;
    report(
      `two hubs on one flow, the one with active identity resolution SIGKILLed — ${on.total} records (${on.expected.size} through the filter) over ${INPUT_PARTITIONS} partitions, ` +
        `both consuming before the kill (${Object.entries(counters)
          .map(([label, count]) => `${label} ${count} in`)
          .join(
            ', ',
          )}), kill at ${percent(atKill.sink, on.expected.size)} delivered to the sink (${percent(atKill.topic, on.expected.size)} on the output topic), ${lost.size} lost, ` +
        `${sink.duplicates + replayed} duplicate deliveries to the sink (${percent(sink.duplicates + replayed, on.expected.size)}; ${replayed} of them replays absorbed by Idempotency-Key), ${output.tally.duplicates} duplicates on the output topic (${percent(output.tally.duplicates, on.expected.size)}), ` +
        `partitions taken over in ${takeoverMs === undefined ? 'never' : seconds(takeoverMs)} (session timeout ${seconds(SESSION_TIMEOUT_MS)}), identity resolution active again in ${failoverMs === undefined ? 'never' : seconds(failoverMs)}, ${seconds(finished - killedAt)} from kill to all delivered and committed`,
    );

    expect(killedState, 'identity resolution of the killed hub, just before the kill').to.equal('active');
    expect(exit.signal, 'the active hub died of the SIGKILL').to.equal('SIGKILL');
    expect(atKill.sink / on.expected.size, 'the kill came mid-stream at the sink').to.be.within(0.1, 0.9);
    expect(atKill.topic / on.expected.size, 'the kill came mid-stream on the output topic').to.be.within(0.1, 0.9);
    expect(tookOver, `the survivor holds every partition of ${on.input} (group: ${JSON.stringify(members)})`).to.equal(true);
    expect(
      failedOver,
      `${after}, produced after the kill, resolved by the survivor (it said: ${standby.cli.stderr().slice(-2000)})`,
    ).to.equal(true);
    expect(await identityState(standby), "the survivor's identity resolution").to.equal('active');
    expect(complete, `every row delivered and committed by the survivor (it said: ${standby.cli.stderr().slice(-2000)})`).to.equal('done');
    expect([...lost].slice(0, 10), 'keys lost').to.deep.equal([]);
    expect(sink.unexpected(on.expected).slice(0, 10), 'filtered-out customers at the sink').to.deep.equal([]);
    expect(output.tally.unexpected(on.expected).slice(0, 10), 'filtered-out customers on the topic').to.deep.equal([]);
  });

  /** The flow and the sink instance run: a hub that refused either would only show as a timeout later. */
  async function expectRunning(hub: RunningHub, on: Scenario): Promise<void> {
    const [flow, sink] = await Promise.all([
      hub.get<{ state?: string }>(`/api/flows/${on.flow}`),
      hub.get<{ state?: string }>(`/api/connectors/${on.sink}`),
    ]);
    expect(flow.data.state, `${hub.label}: flow ${on.flow} ${JSON.stringify(flow.data)}`).to.equal('running');
    expect(sink.data.state, `${hub.label}: sink ${on.sink} ${JSON.stringify(sink.data)}`).to.equal('running');
  }

  /** A CRM customer of its own on the canonical topic: unique identifiers, valid for identity resolution. */
  async function produceCrmCustomer(run: number, n: number): Promise<string> {
    const customerId = `C${run}${String(n).padStart(2, '0')}`;
    const idNumber = residentIdNumber('440305', `19${60 + (run % 30)}-0${n}-12`, 100 + (run % 400) * 2 + 1);
    const phone = `13${String(run).slice(0, 7)}${n}${n}`.slice(0, 11);
    const value = {
      ...sampleCustomer(),
      meta: {
        eventId: `evt-${customerId}`,
        eventType: 'CustomerCreated',
        sourceSystem: 'crm',
        occurredAt: new Date().toISOString(),
        correlationId: `corr-${customerId}`,
      },
      customerId,
      fullName: n === 1 ? '王芳' : '陈静',
      idNumber,
      birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      gender: 'MALE',
      phones: [{ type: 'MOBILE', number: phone, primary: true }],
      email: null,
    };
    const topic = 'crm.customer.v1';
    await producer.send(topic, [
      {
        key: customerId,
        value: await serde.encode(valueSubject(topic), catalog.registrySchema('crmhub.customer.Customer'), value),
        headers: { 'correlation-id': `corr-${customerId}` },
      },
    ]);
    return customerId;
  }

  async function identityState(hub: RunningHub): Promise<string | undefined> {
    const { data } = await hub.get<{ processors?: { name: string; state: string }[] }>('/api/customer-view/status');
    return data.processors?.find((processor) => processor.name === 'identity-resolution')?.state;
  }

  async function lookup(hub: RunningHub, customerId: string): Promise<number> {
    const { status, data } = await hub.get<{ matches?: { crossReferences: { system: string; systemId: string }[] }[] }>(
      '/api/customers/lookup',
      { q: customerId },
    );
    if (status !== 200) return status;
    return data.matches?.some((match) => match.crossReferences.some((ref) => ref.system === 'crm' && ref.systemId === customerId))
      ? 200
      : 404;
  }

  async function flowRecordsIn(hub: RunningHub, flow: string): Promise<number> {
    const { data } = await hub.get<{ flows?: { name: string; counters?: { recordsIn: number } }[] }>('/api/flows');
    return data.flows?.find((candidate) => candidate.name === flow)?.counters?.recordsIn ?? 0;
  }
});
