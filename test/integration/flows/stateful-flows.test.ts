import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../src/platform/avro/schema-registry-client.js';
import { repartitionTopicName } from '../../../src/flows/repartition.js';
import type { HubProducer, KafkaClient, RecordHeaders } from '../../../src/platform/kafka/kafka-client.js';
import { ConsumerLagReader } from '../../../src/platform/kafka/consumer-lag.js';
import { KafkajsClient } from '../../../src/platform/kafka/kafkajs-client.js';
import { changelogTopicName } from '../../../src/platform/state/partitioned-changelog-store.js';
import { sampleCustomer, sampleServiceRequest } from '../../fixtures/sample-records.js';
import { changelogRecords, historyOf } from '../../support/changelog-records.js';
import { consumerGroupMembers, type GroupMembers } from '../../support/consumer-group-members.js';
import { RunningHub } from '../../support/running-hub.js';
import { tallyTopic, type TopicKeyTally } from '../../support/topic-key-tally.js';
import { waitOrFail, waitWhileProgressing } from '../../support/wait-until.js';
import { projectRoot } from '../../../src/platform/infra/project-root.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

/**
 * Stateful flow steps (issue 19) in real hub processes on the real broker: state kept in the
 * steps' changelog topics follows partitions through rebalances, expires by tombstones, and
 * survives SIGKILL. Each test prints its figures in one `stateful:` line.
 */
const CUSTOMER = 'crmhub.customer.Customer';
const SERVICE_REQUEST = 'crmhub.service.ServiceRequest';
const DAILY_COMPLAINTS = 'crmhub.kpi.DealerComplaintsDaily';
const SESSION_TIMEOUT_MS = 10_000;
const INPUT_PARTITIONS = 6;
/** How long nothing may move before a wait gives up: a takeover waits out the session timeout, and a hub starts slowly on a busy machine. */
const STALL_MS = 60_000;
const HOUR_MS = 3_600_000;

type Row = Record<string, unknown>;

function report(line: string): void {
  process.stdout.write(`stateful: ${line}\n`);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One flow on topics of its own, with a hub config and flows folder for the hub processes. */
interface Scenario {
  id: string;
  dir: string;
  input: string;
  output: string;
  flow: string;
  configFile: string;
  flowsDir: string;
}

/** A record as read back from an output topic, decoded. */
interface OutputRecord {
  key: string;
  value: Row;
  headers: RecordHeaders;
}

interface OutputReader {
  readonly records: OutputRecord[];
  readonly reader: TopicKeyTally;
}

describe('stateful flows in hub processes on the real broker', function () {
  // A safety net only: every wait below gives up on its own well before.
  this.timeout(5 * 60_000);
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
  let readers: TopicKeyTally[] = [];
  let scenario: Scenario | undefined;
  /** Ends paced sources of a test that failed before it let them finish. */
  let sourcesStopped = false;

  before(async () => {
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

  afterEach(async function () {
    sourcesStopped = true;
    if (this.currentTest?.state === 'failed' && process.env.STATEFUL_DEBUG_DIR)
      for (const hub of hubs)
        fs.writeFileSync(path.join(process.env.STATEFUL_DEBUG_DIR, `${hub.label.replace(/\W+/g, '-')}-${hub.pid}.log`), hub.cli.stderr());
    // Latest first: a hub restarted on the data directory of a killed one is stopped before that directory goes.
    for (const hub of [...hubs].reverse()) await hub.dispose();
    for (const hub of hubs) expect(hub.alive, `${hub.label} (pid ${hub.pid}) left running`).to.equal(false);
    hubs = [];
    await Promise.all(readers.map((reader) => reader.stop().catch(() => undefined)));
    readers = [];
    if (scenario) fs.rmSync(scenario.dir, { recursive: true, force: true });
    scenario = undefined;
  });

  /** Topics and files of a flow whose steps and further settings are `flow`; the input has `partitions`. */
  async function prepare(
    kind: string,
    flow: (names: { input: string; output: string }) => { steps: unknown[]; to: unknown; topics: Record<string, unknown>; time?: unknown },
    partitions: number,
  ): Promise<Scenario> {
    const id = uniqueName(kind).toLowerCase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-stateful-'));
    const made: Scenario = {
      id,
      dir,
      input: `it.stateful.${id}.in`,
      output: `it.stateful.${id}.out`,
      flow: `${id}-flow`,
      configFile: path.join(dir, 'crm-hub.yaml'),
      flowsDir: path.join(dir, 'flows'),
    };
    scenario = made;
    fs.mkdirSync(made.flowsDir);
    fs.writeFileSync(made.configFile, 'connectors: {}\ncustomerView: { enabled: false }\n');
    const body = flow({ input: made.input, output: made.output });
    fs.writeFileSync(
      path.join(made.flowsDir, `${made.flow}.yaml`),
      YAML.stringify({ name: made.flow, description: `integration test: ${kind}`, from: made.input, ...body }, { lineWidth: 0 }),
    );
    const admin = await client.admin();
    // The output exists before the flow writes to it, so that the test can read it from the start.
    await admin
      .ensureTopics([
        { topic: made.input, partitions },
        { topic: made.output, partitions: 3 },
      ])
      .finally(() => admin.disconnect());
    return made;
  }

  async function startHub(label: string, on: Scenario, options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunningHub> {
    const hub = await RunningHub.start({
      label,
      brokers: kafka.brokers,
      registryUrl: registry.url,
      configFile: on.configFile,
      flowsDir: on.flowsDir,
      // A third of kafkajs's default session timeout: a killed member's partitions move sooner.
      env: { CRM_HUB_KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS), ...options.env },
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    hubs.push(hub);
    await hub.ready(90_000);
    const { data } = await hub.get<{ state?: string; issues?: unknown }>(`/api/flows/${on.flow}`);
    expect(data.state, `${label}: flow ${on.flow} ${JSON.stringify(data)}`).to.equal('running');
    return hub;
  }

  /** Reads `topic` live from its beginning, decoding every record. */
  async function readOutput(topic: string): Promise<OutputReader> {
    const records: OutputRecord[] = [];
    const reader = await tallyTopic(client, topic, async (record) => {
      const decoded = await serde.decode(record.value, record);
      records.push({ key: record.key?.toString() ?? '', value: decoded.value as Row, headers: record.headers });
    });
    readers.push(reader);
    return { records, reader };
  }

  const statefulGroup = (on: Scenario, step: number) => `crm-hub.flow.${on.flow}.steps-${step}`;
  const changelogOf = (on: Scenario, step: number) => changelogTopicName(`flow.${on.flow}.steps-${step}`);

  /** Every stage of the flow (the first on the input, each stateful one on its repartition topic) committed to the end. */
  async function waitForSettled(on: Scenario, steps: number | number[], timeoutMs = 60_000): Promise<void> {
    const groups = [
      { groupId: `crm-hub.flow.${on.flow}`, topics: [on.input] },
      ...[steps].flat().map((step) => ({ groupId: statefulGroup(on, step), topics: [repartitionTopicName(on.flow, step)] })),
    ];
    const admin = await client.admin();
    try {
      const lag = new ConsumerLagReader(admin, { maxAgeMs: 0, timeoutMs: 10_000 });
      let last = '';
      await waitOrFail(
        async () => {
          // Stage by stage from the first: a stage found caught up after the one before it has all it will get.
          const lags = [];
          for (const group of groups) lags.push(await lag.lag(group));
          last = lags.map((one) => `${one.groupId} ${one.total} behind`).join(', ');
          return lags.every((one) => one.total === 0);
        },
        timeoutMs,
        () => `every stage of ${on.flow} committed to the end (${last})`,
        500,
      );
    } finally {
      await admin.disconnect();
    }
  }

  async function waitForMembers(
    groupId: string,
    topic: string,
    holds: (members: GroupMembers) => boolean,
    what: string,
    timeoutMs = 90_000,
  ): Promise<GroupMembers> {
    let members: GroupMembers = { state: '', members: [] };
    await waitOrFail(
      async () => {
        members = await consumerGroupMembers(kafka.brokers, groupId, topic);
        return members.state === 'Stable' && holds(members);
      },
      timeoutMs,
      () => `${what} (group ${groupId}: ${JSON.stringify(members)})`,
      250,
    );
    return members;
  }

  /** Waits until `count()` reaches `target`, failing when it stops moving or a hub exits by itself. */
  async function waitForCount(
    count: () => number,
    target: number,
    what: string,
    running: RunningHub[],
    reader?: OutputReader,
  ): Promise<void> {
    const outcome = await waitWhileProgressing(
      () => {
        if (reader?.reader.failure) throw reader.reader.failure;
        const exited = running.find((hub) => !hub.alive);
        if (exited) throw new Error(`${exited.label} exited by itself: ${exited.cli.stderr().slice(-3000)}`);
        return count() >= target;
      },
      count,
      { stallMs: STALL_MS, capMs: 3 * 60_000 },
    );
    if (outcome !== 'done') throw new Error(`${outcome} waiting for ${what}: ${count()} of ${target}; ${await progressOf(running)}`);
  }

  /** Where a stalled flow stands: what each hub says of it, and each stage's consumer group with its lag. */
  async function progressOf(running: RunningHub[]): Promise<string> {
    const on = scenario;
    if (!on) return '';
    const parts: string[] = [];
    const groups = new Map<string, string>([[`crm-hub.flow.${on.flow}`, on.input]]);
    for (const hub of running.filter((one) => one.alive)) {
      const status = await hub
        .get<{ counters?: unknown; lastError?: unknown; stepState?: { groupId: string; step: string; input: string }[] }>(
          `/api/flows/${on.flow}`,
        )
        .catch((error: unknown) => ({ data: { error: String(error) } }));
      parts.push(`${hub.label}: ${JSON.stringify(status.data)}; it said: ${hub.cli.stderr().slice(-1500)}`);
      for (const state of (status.data as { stepState?: { groupId: string; input: string }[] }).stepState ?? [])
        groups.set(state.groupId, state.input);
    }
    const admin = await client.admin();
    try {
      const lag = new ConsumerLagReader(admin, { maxAgeMs: 0, timeoutMs: 10_000 });
      for (const [groupId, topic] of groups) {
        const [one, members] = await Promise.all([
          lag.lag({ groupId, topics: [topic] }).catch((error: unknown) => String(error)),
          consumerGroupMembers(kafka.brokers, groupId, topic).catch((error: unknown) => String(error)),
        ]);
        parts.push(`group ${groupId}: ${JSON.stringify(typeof one === 'string' ? one : one.topics)}, members ${JSON.stringify(members)}`);
      }
    } finally {
      await admin.disconnect();
    }
    return parts.join('\n');
  }

  // ---- dedupe -------------------------------------------------------------------------------

  const dedupeFlow =
    (window: string) =>
    ({ input, output }: { input: string; output: string }) => ({
      steps: [{ dedupe: { key: 'meta.eventId', window } }],
      to: { topic: output, schema: CUSTOMER },
      topics: { [input]: { schema: CUSTOMER }, [output]: { schema: CUSTOMER } },
    });

  /** A customer change event: `key` on the topic, `eventId` in its meta, happened at `occurredAt`. */
  async function customerEvent(on: Scenario, key: string, eventId: string, occurredAt: number) {
    const value = {
      ...sampleCustomer(),
      meta: {
        eventId,
        eventType: 'CustomerUpdated',
        sourceSystem: 'crm',
        occurredAt: new Date(occurredAt).toISOString(),
        correlationId: `corr-${eventId}`,
      },
      customerId: key,
    };
    return {
      key,
      value: await serde.encode(valueSubject(on.input), catalog.registrySchema(CUSTOMER), value),
      headers: { 'correlation-id': `corr-${eventId}` },
    };
  }

  /** Event i of a dedupe scenario: its own key and id; a copy is the same record sent again. */
  const eventKey = (on: Scenario, i: number): string => `${on.id}-${String(i).padStart(6, '0')}`;

  /** Sends each event of `indexes` (its original or a copy: the same bytes), in chunks, in the order given. */
  async function sendEvents(on: Scenario, indexes: readonly number[], baseTime: number, chunk = 250): Promise<void> {
    for (let start = 0; start < indexes.length; start += chunk) {
      const records = await Promise.all(
        indexes.slice(start, start + chunk).map((i) => customerEvent(on, eventKey(on, i), `evt-${eventKey(on, i)}`, baseTime + i * 100)),
      );
      await producer.send(on.input, records);
    }
  }

  const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  /** Originals and copies mixed: each copy after its original, copies of older events among newer originals. */
  const interleave = (...lists: number[][]): number[] => {
    const merged: number[] = [];
    for (let i = 0; lists.some((list) => i < list.length); i++) for (const list of lists) if (i < list.length) merged.push(list[i]!);
    return merged;
  };

  it('two hub processes on one dedupe flow, a rebalance in the middle and the first stopped: every event passes once, no copy passes', async () => {
    const events = 3000;
    const third = events / 3;
    const on = await prepare('dedupe-rebalance', dedupeFlow('1h'), INPUT_PARTITIONS);
    const output = await readOutput(on.output);
    const distinct = () => output.reader.tally.distinct;
    const baseTime = Date.now() - 2 * HOUR_MS;
    // dedupe keeps its state on the input's own partitions: its stage is the flow's first.
    const group = `crm-hub.flow.${on.flow}`;
    const repartition = on.input;

    // Hub A alone: the first third of the events, half of them sent twice.
    const a = await startHub('hub A', on);
    await sendEvents(on, interleave(range(0, third), range(0, third / 2)), baseTime);
    await waitForCount(distinct, third, 'the first third of the events through hub A', [a], output);

    // Hub B joins while more comes: copies of events hub A let through (now on partitions either process
    // may hold), new events and their copies, paced until the group has shared the stateful stage.
    const starting = startHub('hub B', on);
    starting.catch(() => undefined);
    let joined = false;
    const joining = waitForMembers(
      group,
      repartition,
      (members) => members.members.length === 2 && members.members.every((member) => member.partitions.length > 0),
      'hubs A and B sharing the stateful stage',
    ).finally(() => (joined = true));
    joining.catch(() => undefined);
    const second = interleave(range(third / 2, third), range(third, 2 * third), range(third, third + third / 2));
    let sentBeforeJoin = 0;
    for (let start = 0; start < second.length;) {
      const alone = !joined;
      const chunk = second.slice(start, alone ? start + 25 : undefined);
      await sendEvents(on, chunk, baseTime);
      start += chunk.length;
      if (alone) sentBeforeJoin = start;
      if (alone) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const [b, shared] = await Promise.all([starting, joining]);
    await waitForCount(distinct, 2 * third, 'two thirds of the events through hubs A and B', [a, b], output);

    // Hub A stops (SIGTERM) while the rest comes: hub B takes over A's partitions and its keys.
    const sending = sendEvents(on, interleave(range(2 * third, events), range(third + third / 2, events)), baseTime, 100);
    const stoppedAt = Date.now();
    await a.dispose();
    const exit = await a.cli.exited;
    await sending;
    await waitForMembers(
      group,
      repartition,
      (members) => members.members.length === 1 && members.members[0]!.partitions.length === INPUT_PARTITIONS,
      'hub B holding every partition of the stateful stage',
    );
    const tookOverMs = Date.now() - stoppedAt;
    await waitForCount(distinct, events, 'every event', [b], output);
    await waitForSettled(on, []);
    // Whatever was still to come has come by now.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const tally = output.reader.tally;
    const expected = new Set(range(0, events).map((i) => eventKey(on, i)));
    report(
      `dedupe, two hubs, rebalance then graceful stop — ${events} events (each sent twice: ${2 * events} records) over ${INPUT_PARTITIONS} partitions: ` +
        `${tally.distinct} passed, ${tally.duplicates} duplicates; hub B joined with ${sentBeforeJoin} of ${second.length} records of the middle part sent, the stateful stage shared as ${shared.members.map((m) => `[${m.partitions.join(',')}]`).join(' + ')}, ` +
        `hub A stopped (exit ${exit.code ?? exit.signal}) and its partitions taken over in ${seconds(tookOverMs)}`,
    );
    expect(exit.signal, 'hub A stopped by SIGTERM, not killed').to.not.equal('SIGKILL');
    expect(tally.missing(expected).slice(0, 10), 'events lost').to.deep.equal([]);
    expect(tally.unexpected(expected).slice(0, 10), 'records nobody sent').to.deep.equal([]);
    expect(tally.duplicates, 'copies or events passed twice (a graceful rebalance must not let one through)').to.equal(0);
    expect(b.alive, 'hub B runs on').to.equal(true);
  });

  it('two hub processes on one dedupe flow, one SIGKILLed mid-stream: nothing lost, only records in flight at the kill passed twice', async () => {
    const events = 3000;
    const half = events / 2;
    const on = await prepare('dedupe-kill', dedupeFlow('1h'), INPUT_PARTITIONS);
    const output = await readOutput(on.output);
    const distinct = () => output.reader.tally.distinct;
    const baseTime = Date.now() - 2 * HOUR_MS;
    // dedupe keeps its state on the input's own partitions: its stage is the flow's first.
    const group = `crm-hub.flow.${on.flow}`;
    const repartition = on.input;
    const [a, b] = await Promise.all([startHub('hub A', on), startHub('hub B', on)]);
    await waitForMembers(
      group,
      repartition,
      (members) => members.members.length === 2 && members.members.every((member) => member.partitions.length > 0),
      'hubs A and B sharing the stateful stage',
    );

    // The first half with copies, sent a few hundred events ahead of the output so that the kill finds records in flight.
    const first = interleave(range(0, half), range(0, half / 2));
    let sent = 0;
    const sending = (async () => {
      for (let start = 0; start < first.length && !sourcesStopped; start += 100) {
        const highest = Math.max(...first.slice(start, start + 100));
        while (!sourcesStopped && highest - distinct() > 300) await new Promise((resolve) => setTimeout(resolve, 20));
        await sendEvents(on, first.slice(start, start + 100), baseTime);
        sent = start + 100;
      }
    })();
    sending.catch(() => undefined);
    await waitForCount(distinct, half / 3, 'a third of the first half of the events', [a, b], output);
    await a.kill();
    const killedAt = Date.now();
    const atKill = { passed: output.reader.tally.total, sent };
    await sending;

    // The survivor takes over; then the copies of the first half's late events and the second half with its copies.
    await waitForMembers(
      group,
      repartition,
      (members) => members.members.length === 1 && members.members[0]!.partitions.length === INPUT_PARTITIONS,
      'hub B holding every partition of the stateful stage',
    );
    const tookOverMs = Date.now() - killedAt;
    // The survivor has redone what the killed process left in flight before the copies come.
    await waitForSettled(on, []);
    const passedBeforeSecondHalf = new Map(output.records.map((record) => [record.key, 0]));
    for (const record of output.records) passedBeforeSecondHalf.set(record.key, passedBeforeSecondHalf.get(record.key)! + 1);
    await sendEvents(on, interleave(range(half / 2, half), range(half, events), range(half, events)), baseTime);
    await waitForCount(distinct, events, 'every event', [b], output);
    await waitForSettled(on, []);
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const tally = output.reader.tally;
    const expected = new Set(range(0, events).map((i) => eventKey(on, i)));
    const counts = new Map<string, number>();
    for (const record of output.records) counts.set(record.key, (counts.get(record.key) ?? 0) + 1);
    const twiceAfterTakeover = range(half, events)
      .map((i) => eventKey(on, i))
      .filter((key) => (counts.get(key) ?? 0) > 1);
    // A copy sent after the takeover whose original had passed already must be dropped by the survivor.
    const copiesPassedAfterTakeover = range(half / 2, half)
      .map((i) => eventKey(on, i))
      .filter((key) => (passedBeforeSecondHalf.get(key) ?? 0) > 0 && (counts.get(key) ?? 0) > passedBeforeSecondHalf.get(key)!);
    report(
      `dedupe, two hubs, one SIGKILLed — ${events} events over ${INPUT_PARTITIONS} partitions, killed with ${atKill.passed} passed of ${atKill.sent} records sent: ` +
        `${tally.distinct} passed, ${tally.duplicates} passed twice (at least once: only records in flight at the kill may pass twice, their outputs being produced before the state write), ` +
        `partitions taken over in ${seconds(tookOverMs)} (session timeout ${seconds(SESSION_TIMEOUT_MS)})`,
    );
    expect(tally.missing(expected).slice(0, 10), 'events lost').to.deep.equal([]);
    expect(tally.unexpected(expected).slice(0, 10), 'records nobody sent').to.deep.equal([]);
    expect(twiceAfterTakeover.slice(0, 10), 'events sent after the takeover passed twice').to.deep.equal([]);
    expect(copiesPassedAfterTakeover.slice(0, 10), 'copies sent after the takeover of events that had passed').to.deep.equal([]);
    // At least once: what passes twice is what the killed process had produced but not yet noted in its state.
    expect(tally.duplicates, 'duplicates, at most the records sent before the kill').to.be.at.most(atKill.sent);
    expect(b.alive, 'hub B runs on').to.equal(true);
  });

  it('a dedupe key older than its window is forgotten: its tombstone is on the changelog and the same event sent again passes', async () => {
    const on = await prepare('dedupe-expiry', dedupeFlow('1h'), 3);
    const output = await readOutput(on.output);
    const changelog = changelogOf(on, 0);
    const hub = await startHub('hub', on);
    const key = `${on.id}-customer`;
    const first = `evt-${on.id}-first`;
    const second = `evt-${on.id}-second`;
    const t0 = Date.now() - 4 * HOUR_MS;
    const passed = (eventId: string) => output.records.filter((record) => (record.value.meta as Row).eventId === eventId).length;

    // The first event and a copy within the window: one passes, its key kept until first seen + 1 h.
    await producer.send(on.input, [await customerEvent(on, key, first, t0), await customerEvent(on, key, first, t0 + 10 * 60_000)]);
    await waitForCount(() => passed(first), 1, `${first} through the flow`, [hub], output);
    await waitForSettled(on, []);
    const kept = historyOf(await changelogRecords(client, changelog), `k/${first}`);
    expect(
      kept.map((record) => record.entry),
      `the changelog's records of k/${first}`,
    ).to.deep.equal([{ value: t0, expiresAt: t0 + HOUR_MS }]);

    // A later event of the same customer (same key, so same partition) moves the watermark past first seen + 1 h.
    await producer.send(on.input, [await customerEvent(on, key, second, t0 + 2 * HOUR_MS)]);
    await waitForCount(() => passed(second), 1, `${second} through the flow`, [hub], output);
    let history = historyOf(await changelogRecords(client, changelog), `k/${first}`);
    await waitOrFail(
      async () => {
        history = historyOf(await changelogRecords(client, changelog), `k/${first}`);
        return history.at(-1)?.entry === null;
      },
      30_000,
      () =>
        `a tombstone for k/${first} on ${changelog} (its records: ${JSON.stringify(history, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))})`,
      500,
    );

    // Forgotten: the very same record sent again passes (remembered, it would be a copy within the window); a copy of the second does not.
    const tombstonedAt = history.length - 1;
    await producer.send(on.input, [
      await customerEvent(on, key, first, t0),
      await customerEvent(on, key, second, t0 + 2 * HOUR_MS + 60_000),
    ]);
    await waitForCount(() => passed(first), 2, `the resent ${first} through the flow`, [hub], output);
    await waitForSettled(on, []);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const later = historyOf(await changelogRecords(client, changelog), `k/${first}`).slice(tombstonedAt + 1);
    report(
      `dedupe key expiry — ${first} kept with expiry ${new Date(t0 + HOUR_MS).toISOString()}, tombstoned after an event at +2 h; ` +
        `passed ${passed(first)} times (before and after it was forgotten), ${second} ${passed(second)} time(s); k/${first} after the tombstone: ${JSON.stringify(later.map((record) => record.entry))}`,
    );
    expect(passed(first), `${first}: once, and once more when sent again after it was forgotten`).to.equal(2);
    expect(passed(second), `${second}: its copy within the window dropped`).to.equal(1);
    // Kept again from the resent record (with an expiry the watermark has passed already, so it may be tombstoned again at once).
    expect(later[0]?.entry, `k/${first} written again by the resent record`).to.deep.equal({ value: t0, expiresAt: t0 + HOUR_MS });
  });

  // ---- aggregate ----------------------------------------------------------------------------

  /** The shipped flow flows/complaints-per-dealer-daily.yaml (filter, dedupe, map, aggregate, map, set-key) on the scenario's topics. */
  const complaintsFlow = ({ input, output }: { input: string; output: string }) => {
    const shipped = YAML.parse(fs.readFileSync(path.join(projectRoot(), 'flows/complaints-per-dealer-daily.yaml'), 'utf8')) as {
      steps: Record<string, unknown>[];
    };
    return {
      steps: shipped.steps,
      to: { topic: output },
      topics: { [input]: { schema: SERVICE_REQUEST }, [output]: { schema: DAILY_COMPLAINTS } },
    };
  };
  const stepIndex = (flow: { steps: Record<string, unknown>[] }, type: string): number => {
    const index = flow.steps.findIndex((step) => type in step);
    if (index < 0) throw new Error(`flows/complaints-per-dealer-daily.yaml has no ${type} step`);
    return index;
  };

  /** A closed complaint of a dealer's branch: `hours` from opening to `closedAt`. */
  async function closedComplaint(
    on: Scenario,
    closing: { ticket: string; dealer: string; branch: string; customer: string; closedAt: number; hours: number },
  ) {
    const closedAt = new Date(closing.closedAt).toISOString();
    const value = {
      ...sampleServiceRequest(),
      meta: {
        eventId: `evt-${closing.ticket}`,
        eventType: 'ServiceRequestClosed',
        sourceSystem: 'call-centre',
        occurredAt: closedAt,
        correlationId: `corr-${closing.ticket}`,
      },
      ticketNumber: closing.ticket,
      customerId: closing.customer,
      category: 'COMPLAINT',
      status: 'CLOSED',
      partsRequested: [],
      openedAt: new Date(closing.closedAt - closing.hours * HOUR_MS).toISOString(),
      slaDueAt: new Date(closing.closedAt + 48 * HOUR_MS).toISOString(),
      updatedAt: closedAt,
      dealerCode: closing.dealer,
      branchCode: closing.branch,
      closedAt,
    };
    return { key: closing.ticket, value: await serde.encode(valueSubject(on.input), catalog.registrySchema(SERVICE_REQUEST), value) };
  }

  /** Expected figures of one branch's day record. */
  interface DayFigures {
    complaints: number;
    customers: number;
    meanHours: number;
    maxHours: number;
    p90Hours: number;
  }

  /**
   * One Beijing day (three days ago) of `closings` closed complaints over `branches` dealer branches,
   * through the shipped flow on topics of the scenario; every tenth closing is sent twice.
   */
  async function complaintsDay(kind: string, closings: number, branches: number) {
    const on = await prepare(kind, complaintsFlow, 3);
    const flowFile = YAML.parse(fs.readFileSync(path.join(on.flowsDir, `${on.flow}.yaml`), 'utf8')) as { steps: Record<string, unknown>[] };
    // Its dedupe keeps state on the input's partitions (first stage); the aggregate reads its repartition topic.
    const statefulSteps = [stepIndex(flowFile, 'aggregate')];
    const output = await readOutput(on.output);
    // Its window is a Beijing day (zone +08:00): from 16:00 UTC the day before.
    const DAY_MS = 24 * HOUR_MS;
    const shiftedStart = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS;
    const dayStart = shiftedStart - 8 * HOUR_MS;
    const day = new Date(shiftedStart).toISOString().slice(0, 10);
    const branch = (b: number) => ({ dealer: `SD-${on.id}-${b}`, branch: `PD-${String(b).padStart(2, '0')}` });
    const closing = (i: number) => ({
      ticket: `SR-${on.id}-${String(i).padStart(5, '0')}`,
      ...branch(i % branches),
      customer: `C-${on.id}-${i % 150}`,
      closedAt: dayStart + HOUR_MS + i * 15_000,
      hours: (((i * 7) % 40) + 1) * 0.25,
    });
    const expected = new Map<string, DayFigures>();
    for (let b = 0; b < branches; b++) {
      const mine = Array.from({ length: closings }, (_, i) => i)
        .filter((i) => i % branches === b)
        .map(closing);
      const hours = mine.map((one) => one.hours).sort((x, y) => x - y);
      expected.set(`${branch(b).dealer}@${branch(b).branch}@${day}`, {
        complaints: mine.length,
        customers: new Set(mine.map((one) => one.customer)).size,
        meanHours: Math.round((hours.reduce((sum, h) => sum + h, 0) / hours.length) * 100) / 100,
        maxHours: hours.at(-1)!,
        p90Hours: hours[Math.floor(0.9 * (hours.length - 1))]!,
      });
    }
    return {
      on,
      output,
      statefulSteps,
      expected,
      /** Closings from..to (every tenth twice: the desk re-sending a closed ticket, which the dedupe step drops); resolves with the records sent. */
      async send(from: number, to: number): Promise<number> {
        const records = [];
        for (let i = from; i < Math.min(to, closings); i++) {
          records.push(await closedComplaint(on, closing(i)));
          if (i % 10 === 0) records.push(await closedComplaint(on, closing(i)));
        }
        await producer.send(on.input, records);
        return records.length;
      },
      /** A closing in the small hours of the next Beijing day per branch: each partition's watermark passes the day's end + 2 h of grace. */
      async closeTheDay(): Promise<void> {
        const closers = [];
        for (let b = 0; b < branches; b++)
          closers.push(
            await closedComplaint(on, {
              ticket: `SR-${on.id}-next-${b}`,
              ...branch(b),
              customer: `C-${on.id}-next`,
              closedAt: shiftedStart + 20 * HOUR_MS,
              hours: 1,
            }),
          );
        await producer.send(on.input, closers);
      },
      /** The day records read, by key. */
      dayRecords(): Map<string, Row[]> {
        const byKey = new Map<string, Row[]>();
        for (const record of output.records) byKey.set(record.key, [...(byKey.get(record.key) ?? []), record.value]);
        return byKey;
      },
      /** Each branch's day record has every closing counted once; any repeat is the very same record. */
      expectFigures(byKey: Map<string, Row[]>): void {
        expect([...byKey.keys()].sort(), 'a day record per branch').to.deep.equal([...expected.keys()].sort());
        for (const [key, want] of expected) {
          const values = byKey.get(key)!;
          for (const value of values.slice(1)) expect(value, `${key}: emitted again with other values`).to.deep.equal(values[0]);
          const got = values[0]!;
          expect(
            {
              complaints: Number(got.complaints),
              customers: Number(got.customers),
              meanHours: got.meanHoursToClose,
              maxHours: got.maxHoursToClose,
            },
            `${key}: every closing counted once`,
          ).to.deep.equal({ complaints: want.complaints, customers: want.customers, meanHours: want.meanHours, maxHours: want.maxHours });
          expect(got.p90HoursToClose as number, `${key}: p90 hours within the sketch's 1 % (rounded to 0.1)`).to.be.closeTo(
            want.p90Hours,
            want.p90Hours * 0.01 + 0.05,
          );
          expect(new Date(got.windowStart as string | number).getTime(), `${key}: window start`).to.equal(dayStart);
        }
      },
    };
  }

  it("a window spanning a SIGKILL (complaints-per-dealer-daily): each branch's day emits once, with every closing counted once", async () => {
    const closings = 1600;
    const branches = 4;
    const day = await complaintsDay('window-kill', closings, branches);
    const { on, output } = day;
    const hub = await startHub('hub', on);
    // The first half paced, so that the kill finds the window open with part of it counted.
    const openWindows = async (): Promise<number> => {
      const { data } = await hub.get<{ stepState?: { step: string; keys: number }[] }>(`/api/flows/${on.flow}`);
      return data.stepState?.find((state) => state.step.endsWith('.aggregate'))?.keys ?? 0;
    };
    let next = 0;
    let sentBeforeKill = 0;
    let heldAtKill = 0;
    while (next < closings / 2 && heldAtKill === 0) {
      sentBeforeKill += await day.send(next, next + 100);
      next += 100;
      await new Promise((resolve) => setTimeout(resolve, 150));
      heldAtKill = await openWindows();
    }
    await waitOrFail(
      async () => (heldAtKill = await openWindows()) > 0,
      60_000,
      () => `open windows in the aggregate step (hub said: ${hub.cli.stderr().slice(-2000)})`,
      250,
    );
    await hub.kill();
    const exit = await hub.cli.exited;
    // The rest arrives while the hub is down: the desk goes on sending.
    let sentAfterKill = 0;
    for (; next < closings; next += 100) sentAfterKill += await day.send(next, next + 100);

    const restarted = await startHub('hub (restarted)', on, { dataDir: hub.dataDir });
    const restartedAt = Date.now();
    await waitForSettled(on, day.statefulSteps, 120_000);
    const settledMs = Date.now() - restartedAt;
    expect(output.records, 'no window closed before its closings were all read').to.deep.equal([]);
    await day.closeTheDay();
    await waitForCount(() => output.records.length, branches, `the day's record of each of the ${branches} branches`, [restarted], output);
    await waitForSettled(on, day.statefulSteps);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const byKey = day.dayRecords();
    report(
      `window spanning a SIGKILL — ${closings} closings of ${branches} branches in one Beijing day (every tenth sent twice), ` +
        `${sentBeforeKill} records sent before the kill (${heldAtKill} windows open in the killed hub), ${sentAfterKill} while it was down; ` +
        `day records: ${[...byKey.values()].map((values) => `×${values.length}`).join(' ')}; ` +
        `every stage caught up ${seconds(settledMs)} after the restarted hub was ready, all done ${seconds(Date.now() - restartedAt)} after it`,
    );
    expect(exit.signal, 'the hub died of the SIGKILL').to.equal('SIGKILL');
    day.expectFigures(byKey);
    for (const [key, values] of byKey) expect(values, `${key}: emitted once (its window closed after the restart)`).to.have.length(1);
  });

  it('a SIGKILL as the windows close (complaints-per-dealer-daily): a day record emitted again after the restart is the same record', async () => {
    const closings = 960;
    const branches = 24;
    const day = await complaintsDay('close-kill', closings, branches);
    const { on, output } = day;
    const hub = await startHub('hub', on);
    await day.send(0, closings);
    await waitForSettled(on, day.statefulSteps, 120_000);
    // Kill the hub as soon as the first day record is out: the others are being produced or noted in the state.
    await day.closeTheDay();
    await waitOrFail(
      () => output.records.length > 0,
      60_000,
      () => `a first day record (hub said: ${hub.cli.stderr().slice(-2000)})`,
      10,
    );
    await hub.kill();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const beforeRestart = day.dayRecords();

    const restarted = await startHub('hub (restarted)', on, { dataDir: hub.dataDir });
    await waitForCount(() => day.dayRecords().size, branches, `the day's record of each of the ${branches} branches`, [restarted], output);
    await waitForSettled(on, day.statefulSteps);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const byKey = day.dayRecords();
    const twice = [...byKey.values()].filter((values) => values.length > 1).length;
    report(
      `SIGKILL as the windows close — ${branches} branches' days closing together: ${beforeRestart.size} day records out before the kill, ` +
        `${byKey.size} in all, ${twice} emitted again after the restart (a kill between a record and the state write), all with the same values`,
    );
    day.expectFigures(byKey);
    // A window emitted after its state was written is never emitted again.
    for (const [key, values] of byKey) expect(values.length, `${key}: emitted at most twice`).to.be.at.most(2);
  });

  // ---- timeout ------------------------------------------------------------------------------

  /** Service tickets timed out `afterMs` after their event time unless CLOSED first; the timeouts go to the output. */
  const timeoutFlow =
    (afterMs: number) =>
    ({ input, output }: { input: string; output: string }) => ({
      steps: [
        { timeout: { key: 'ticketNumber', after: `${afterMs / 1000}s`, until: 'status = "CLOSED"', then: { to: { topic: output } } } },
      ],
      // Only timeouts come out (the step keeps the records it reads).
      to: { topic: output },
      topics: { [input]: { schema: SERVICE_REQUEST }, [output]: { schema: SERVICE_REQUEST } },
      // A quiet partition's watermark moves on with the wall clock after 2 s: timers fire without further records.
      time: { idleTimeout: '2s' },
    });

  async function ticketUpdate(on: Scenario, ticketNumber: string, status: string, at: number) {
    const value = {
      ...sampleServiceRequest(),
      meta: {
        eventId: `evt-${ticketNumber}-${status}`,
        eventType: 'ServiceRequestUpdated',
        sourceSystem: 'call-centre',
        occurredAt: new Date(at).toISOString(),
        correlationId: `corr-${ticketNumber}`,
      },
      ticketNumber,
      status,
      closedAt: status === 'CLOSED' ? new Date(at).toISOString() : null,
    };
    return { key: ticketNumber, value: await serde.encode(valueSubject(on.input), catalog.registrySchema(SERVICE_REQUEST), value) };
  }

  it('a timer that fires after a restart: scheduled, the hub SIGKILLed, started again on its data — it fires once; a cancelled one never', async () => {
    const afterMs = 15_000;
    const on = await prepare('timer-restart', timeoutFlow(afterMs), 3);
    const output = await readOutput(on.output);
    const changelog = changelogOf(on, 0);
    const overdue = `SR-${on.id}-overdue`;
    const closed = `SR-${on.id}-closed`;
    const ticket = (ticketNumber: string, status: string, at: number) => ticketUpdate(on, ticketNumber, status, at);

    const hub = await startHub('hub', on);
    const openedAt = Date.now();
    await producer.send(on.input, [
      await ticket(overdue, 'NEW', openedAt),
      await ticket(closed, 'NEW', openedAt),
      await ticket(closed, 'CLOSED', openedAt + 1000),
    ]);
    // The timer is durable once it is on the changelog; kill the hub then, well before it is due.
    let records = await changelogRecords(client, changelog);
    await waitOrFail(
      async () => {
        records = await changelogRecords(client, changelog);
        return historyOf(records, `t/${overdue}`).at(-1)?.entry != null;
      },
      30_000,
      () => `the timer of ${overdue} on ${changelog} (keys there: ${[...new Set(records.map((record) => record.key))].join(', ')})`,
      250,
    );
    await hub.kill();
    const killedAt = Date.now();
    const dueAt = openedAt + afterMs;
    expect(killedAt, 'killed before the timer was due').to.be.below(dueAt);
    // Anything the hub produced before it died is readable by now.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(output.records, 'nothing fired before the kill').to.deep.equal([]);

    const restarted = await startHub('hub (restarted)', on, { dataDir: hub.dataDir });
    const readyAt = Date.now();
    await waitForCount(() => output.records.length, 1, `the timeout of ${overdue} after the restart`, [restarted], output);
    const firedAt = Date.now();
    // Long enough for a second firing (timers are looked at every second) and for the cancelled timer, had it survived.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await waitForSettled(on, 0);
    const history = historyOf(await changelogRecords(client, changelog), `t/${overdue}`);
    report(
      `timer across a SIGKILL — due ${seconds(dueAt - killedAt)} after the kill, hub ready ${seconds(readyAt - killedAt)} after it, fired ${seconds(firedAt - readyAt)} after that ` +
        `(${seconds(firedAt - dueAt)} after its due time; idleTimeout 2 s); ${output.records.length} timeout record(s)`,
    );
    expect(
      output.records.map((record) => record.key),
      'the overdue ticket timed out once, the closed one never',
    ).to.deep.equal([overdue]);
    const [fired] = output.records;
    expect(fired!.headers['crm-hub-timeout-due-at'], 'its due time').to.equal(new Date(dueAt).toISOString());
    expect(fired!.value.status, 'the record that started the timer').to.equal('NEW');
    expect(history.at(-1)?.entry, `t/${overdue} tombstoned once fired`).to.equal(null);
    expect(firedAt, 'fired no earlier than due').to.be.at.least(dueAt);
  });

  it('a SIGKILL as timers fire: every timer fires after the restart at the latest, a repeat with the same event id', async () => {
    const timers = 24;
    const afterMs = 5000;
    const on = await prepare('timers-kill', timeoutFlow(afterMs), 3);
    const output = await readOutput(on.output);
    const hub = await startHub('hub', on);
    const openedAt = Date.now();
    const tickets = Array.from({ length: timers }, (_, i) => `SR-${on.id}-${String(i).padStart(2, '0')}`);
    await producer.send(on.input, await Promise.all(tickets.map((ticket) => ticketUpdate(on, ticket, 'NEW', openedAt))));
    // Kill the hub as soon as the first timeout is out: the others are being produced or noted in the state.
    await waitOrFail(
      () => output.records.length > 0,
      60_000,
      () => `a first timeout (hub said: ${hub.cli.stderr().slice(-2000)})`,
      10,
    );
    await hub.kill();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const beforeRestart = new Set(output.records.map((record) => record.key)).size;

    const restarted = await startHub('hub (restarted)', on, { dataDir: hub.dataDir });
    const fired = () => new Set(output.records.map((record) => record.key)).size;
    await waitForCount(fired, timers, `a timeout of each of the ${timers} tickets`, [restarted], output);
    // Long enough for a further firing (timers are looked at every second).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await waitForSettled(on, 0);

    const byTicket = new Map<string, OutputRecord[]>();
    for (const record of output.records) byTicket.set(record.key, [...(byTicket.get(record.key) ?? []), record]);
    const again = [...byTicket.values()].filter((records) => records.length > 1).length;
    report(
      `SIGKILL as timers fire — ${timers} timers due together: ${beforeRestart} fired before the kill, ${byTicket.size} in all, ` +
        `${again} fired again after the restart (a kill between the timeout and the state write), each with the event id of its first firing`,
    );
    expect([...byTicket.keys()].sort(), 'every timer fired').to.deep.equal([...tickets].sort());
    const dueAt = new Date(openedAt + afterMs).toISOString();
    for (const [ticket, records] of byTicket) {
      expect(records.length, `${ticket}: fired at most twice (once more only if the kill came before its state write)`).to.be.at.most(2);
      const first = records[0]!;
      expect(first.headers['crm-hub-timeout-due-at'], `${ticket}: due time`).to.equal(dueAt);
      expect(first.headers['crm-hub-event-id'], `${ticket}: an event id derived from the timer`).to.be.a('string').and.not.equal('');
      for (const repeat of records.slice(1)) {
        expect(repeat.headers['crm-hub-event-id'], `${ticket}: fired again with another event id`).to.equal(
          first.headers['crm-hub-event-id'],
        );
        expect(repeat.value, `${ticket}: fired again with another record`).to.deep.equal(first.value);
      }
    }
  });
});
