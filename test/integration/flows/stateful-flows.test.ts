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
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { changelogRecords, historyOf } from '../../support/changelog-records.js';
import { consumerGroupMembers, type GroupMembers } from '../../support/consumer-group-members.js';
import { RunningHub } from '../../support/running-hub.js';
import { tallyTopic, type TopicKeyTally } from '../../support/topic-key-tally.js';
import { waitOrFail, waitWhileProgressing } from '../../support/wait-until.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

/**
 * Stateful flow steps (issue 19) in real hub processes on the real broker: state kept in the
 * steps' changelog topics follows partitions through rebalances, expires by tombstones, and
 * survives SIGKILL. Each test prints its figures in one `stateful:` line.
 */
const CUSTOMER = 'crmhub.customer.Customer';
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

  afterEach(async () => {
    sourcesStopped = true;
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

  /** Both stages of the flow (the first on the input, the stateful one on its repartition topic) committed to the end. */
  async function waitForSettled(on: Scenario, step: number, timeoutMs = 60_000): Promise<void> {
    const admin = await client.admin();
    try {
      const lag = new ConsumerLagReader(admin, { maxAgeMs: 0, timeoutMs: 10_000 });
      let last = '';
      await waitOrFail(
        async () => {
          const [first, stateful] = await Promise.all([
            lag.lag({ groupId: `crm-hub.flow.${on.flow}`, topics: [on.input] }),
            lag.lag({ groupId: statefulGroup(on, step), topics: [repartitionTopicName(on.flow, step)] }),
          ]);
          last = `first stage ${first.total} behind, stateful stage ${stateful.total} behind`;
          return first.total === 0 && stateful.total === 0;
        },
        timeoutMs,
        () => `both stages of ${on.flow} committed to the end (${last})`,
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
    if (outcome !== 'done')
      throw new Error(
        `${outcome} waiting for ${what}: ${count()} of ${target} (${running.map((hub) => `${hub.label} said: ${hub.cli.stderr().slice(-1500)}`).join('; ')})`,
      );
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
    const group = statefulGroup(on, 0);
    const repartition = repartitionTopicName(on.flow, 0);

    // Hub A alone: the first third of the events, half of them sent twice.
    const a = await startHub('hub A', on);
    await sendEvents(on, interleave(range(0, third), range(0, third / 2)), baseTime);
    await waitForCount(distinct, third, 'the first third of the events through hub A', [a], output);

    // Hub B joins: the stateful stage's partitions are shared, state restored from the changelog.
    const b = await startHub('hub B', on);
    const shared = await waitForMembers(
      group,
      repartition,
      (members) => members.members.length === 2 && members.members.every((member) => member.partitions.length > 0),
      'hubs A and B sharing the stateful stage',
    );
    // Copies of events hub A let through, now on partitions either process may hold, and new events with copies.
    await sendEvents(on, interleave(range(third / 2, third), range(third, 2 * third), range(third, third + third / 2)), baseTime);
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
    await waitForSettled(on, 0);
    // Whatever was still to come has come by now.
    await new Promise((resolve) => setTimeout(resolve, 2000));

    const tally = output.reader.tally;
    const expected = new Set(range(0, events).map((i) => eventKey(on, i)));
    report(
      `dedupe, two hubs, rebalance then graceful stop — ${events} events (each sent twice: ${2 * events} records) over ${INPUT_PARTITIONS} partitions: ` +
        `${tally.distinct} passed, ${tally.duplicates} duplicates; stateful stage shared as ${shared.members.map((m) => `[${m.partitions.join(',')}]`).join(' + ')}, ` +
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
    const group = statefulGroup(on, 0);
    const repartition = repartitionTopicName(on.flow, 0);
    const [a, b] = await Promise.all([startHub('hub A', on), startHub('hub B', on)]);
    await waitForMembers(
      group,
      repartition,
      (members) => members.members.length === 2 && members.members.every((member) => member.partitions.length > 0),
      'hubs A and B sharing the stateful stage',
    );

    // The first half with copies, sent at most 300 events ahead of the output so that the kill finds records in flight.
    const first = interleave(range(0, half), range(0, half / 2));
    let sent = 0;
    const sending = (async () => {
      for (let start = 0; start < first.length && !sourcesStopped; start += 100) {
        while (!sourcesStopped && Math.max(...first.slice(0, start + 1)) - distinct() > 300) await new Promise((r) => setTimeout(r, 20));
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
    await waitForSettled(on, 0);
    const passedBeforeSecondHalf = new Map(output.records.map((record) => [record.key, 0]));
    for (const record of output.records) passedBeforeSecondHalf.set(record.key, passedBeforeSecondHalf.get(record.key)! + 1);
    await sendEvents(on, interleave(range(half / 2, half), range(half, events), range(half, events)), baseTime);
    await waitForCount(distinct, events, 'every event', [b], output);
    await waitForSettled(on, 0);
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
    await waitForSettled(on, 0);
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
    await waitForSettled(on, 0);
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
});
