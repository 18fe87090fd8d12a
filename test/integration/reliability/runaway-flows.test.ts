import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import YAML from 'yaml';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../src/platform/avro/schema-registry-client.js';
import type { HubProducer, KafkaClient } from '../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../src/platform/kafka/kafkajs-client.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import type { KeyTally } from '../../support/key-tally.js';
import { RunningHub } from '../../support/running-hub.js';
import { tallyTopic, type TopicKeyTally } from '../../support/topic-key-tally.js';
import { waitOrFail } from '../../support/wait-until.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

/**
 * Flows whose expressions run away on one record (issue 16): recursion without a base case (the
 * heap grew to 4 GB and the hub died, again on every restart), a regex that backtracks
 * catastrophically (froze /health for 18 s) and an endless tail-recursive loop (froze the event
 * loop for good), beside a normal flow, all on one input under load, in a hub process of its own.
 */
const CUSTOMER = 'crmhub.customer.Customer';
const RECURSION = '($f := function($x){1+$f($x)}; $f(1)>0)';
const LOOP = '($f := function($x){$f($x)}; $f(1))';
const CATASTROPHIC = '/^(a+)+$/';
/** On the regex above, RegExp backtracks 2^28 ways. */
const BACKTRACKING_NAME = `${'a'.repeat(28)}!`;
/** Allocates a 400 MB string in one step of one expression: no depth or time limit sees it, a 320 MB heap does not survive it. */
const HEAP_BOMB = '$length($pad("", 400000000)) > 0';
const isActive = (i: number): boolean => i % 10 !== 9;
const HEALTH_BOUND_MS = 1000;

interface Scenario {
  id: string;
  dir: string;
  input: string;
  configFile: string;
  flowsDir: string;
  flowName(kind: string): string;
  out(kind: string): string;
  dlq(kind: string): string;
}

describe('reliability: runaway flow expressions', function () {
  this.timeout(12 * 60_000);
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

  before(async () => {
    client = new KafkajsClient({ brokers: kafka.brokers });
    serde = new AvroSerde(new SchemaRegistryClient(registry.url));
    catalog = await SchemaCatalog.load();
    producer = await client.producer();
  });
  after(async () => {
    await producer?.disconnect();
  });
  afterEach(async () => {
    // The last hub removes the data directory they all shared.
    for (const hub of hubs.slice(0, -1)) if (hub.alive) await hub.kill();
    await hubs.at(-1)?.dispose();
    hubs = [];
    await Promise.all(tallies.map((tally) => tally.stop().catch(() => undefined)));
    tallies = [];
    if (scenario) fs.rmSync(scenario.dir, { recursive: true, force: true });
    scenario = undefined;
  });

  async function prepare(
    flows: Record<string, { filter: string; limits?: Record<string, number> }>,
    partitions: number,
  ): Promise<Scenario> {
    const id = uniqueName('runaway').toLowerCase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-runaway-'));
    const made: Scenario = {
      id,
      dir,
      input: `it.runaway.${id}.customers`,
      configFile: path.join(dir, 'crm-hub.yaml'),
      flowsDir: path.join(dir, 'flows'),
      flowName: (kind) => `${id}-${kind}`,
      out: (kind) => `it.runaway.${id}.${kind}`,
      dlq: (kind) => `dlq.flow.${id}-${kind}`,
    };
    scenario = made;
    fs.mkdirSync(made.flowsDir);
    fs.writeFileSync(made.configFile, 'connectors: {}\ncustomerView: { enabled: false }\n');
    for (const [kind, { filter, limits }] of Object.entries(flows)) {
      const flow = {
        name: made.flowName(kind),
        from: made.input,
        ...(limits ? { limits } : {}),
        steps: [{ filter }],
        to: { topic: made.out(kind), schema: CUSTOMER },
        topics: { [made.input]: { schema: CUSTOMER }, [made.out(kind)]: { schema: CUSTOMER } },
      };
      fs.writeFileSync(path.join(made.flowsDir, `${made.flowName(kind)}.yaml`), YAML.stringify(flow, { lineWidth: 0 }));
    }
    const admin = await client.admin();
    await admin
      .ensureTopics([
        { topic: made.input, partitions },
        ...Object.keys(flows).flatMap((kind) => [{ topic: made.out(kind) }, { topic: made.dlq(kind) }]),
      ])
      .finally(() => admin.disconnect());
    return made;
  }

  async function startHub(label: string, on: Scenario, dataDir?: string, env: NodeJS.ProcessEnv = {}): Promise<RunningHub> {
    const hub = await RunningHub.start({
      label,
      brokers: kafka.brokers,
      registryUrl: registry.url,
      configFile: on.configFile,
      flowsDir: on.flowsDir,
      env: { CRM_HUB_KAFKA_SESSION_TIMEOUT_MS: '10000', ...env },
      ...(dataDir ? { dataDir } : {}),
    });
    hubs.push(hub);
    return hub;
  }

  const customerKey = (on: Scenario, i: number): string => `${on.id}-${String(i).padStart(6, '0')}`;

  async function produce(on: Scenario, from: number, to: number, names: Map<number, string>): Promise<void> {
    const schema = catalog.registrySchema(CUSTOMER);
    const records = [];
    for (let i = from; i < to; i++) {
      const key = customerKey(on, i);
      const value = {
        ...sampleCustomer(),
        customerId: key,
        fullName: names.get(i) ?? `Customer ${i}`,
        status: isActive(i) ? 'ACTIVE' : 'INACTIVE',
      };
      records.push({ key, value: await serde.encode(valueSubject(on.input), schema, value) });
    }
    await producer.send(on.input, records);
  }

  /** Dead letters by key, with their reason headers. */
  async function deadLetters(topic: string): Promise<{ tally: KeyTally; headers: Map<string, Record<string, string>> }> {
    const headers = new Map<string, Record<string, string>>();
    const reader = await tallyTopic(client, topic, (record) => void headers.set(record.key?.toString() ?? '', record.headers));
    tallies.push(reader);
    return { tally: reader.tally, headers };
  }

  async function output(topic: string): Promise<KeyTally> {
    const reader = await tallyTopic(client, topic);
    tallies.push(reader);
    return reader.tally;
  }

  /** GET /health every 100 ms until stopped; the slowest answer is what a load balancer would have waited. */
  function pollHealth(hub: () => RunningHub): { stop(): Promise<{ slowestMs: number; polls: number; failures: number }> } {
    let running = true;
    let slowestMs = 0;
    let polls = 0;
    let failures = 0;
    const done = (async () => {
      while (running) {
        const started = performance.now();
        const answer = await axios.get(`${hub().url}/health`, { timeout: 5000, validateStatus: () => true }).catch(() => undefined);
        const took = performance.now() - started;
        polls++;
        slowestMs = Math.max(slowestMs, took);
        if (answer?.status !== 200) failures++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await done;
        return { slowestMs, polls, failures };
      },
    };
  }

  it('keeps the hub, /health and a normal flow going while three flows run away, dead-letters the runaway records, and restarts cleanly with some in flight', async () => {
    const on = await prepare(
      {
        normal: { filter: 'status = "ACTIVE"' },
        recursion: { filter: `fullName = "recurse" ? ${RECURSION} : true` },
        loop: { filter: `fullName = "loop" ? ${LOOP} : true` },
        regex: { filter: `$not($contains(fullName, ${CATASTROPHIC}))` },
      },
      3,
    );
    const firstWave = 8_000;
    const secondWave = 3_000;
    const total = firstWave + secondWave;
    const names = new Map<number, string>();
    for (const i of [500, 3_500, 7_500, 8_010]) names.set(i, 'recurse');
    for (const i of [1_500, 4_500, 6_500, 8_020]) names.set(i, 'loop');
    for (const i of [2_500, 5_500, 7_000, 8_030]) names.set(i, BACKTRACKING_NAME);
    const keysNamed = (name: string): string[] => [...names].filter(([, n]) => n === name).map(([i]) => customerKey(on, i));

    // Few readers of our own: /health asks the same broker, which they would keep busy.
    const normalOut = await output(on.out('normal'));
    const regexOut = await output(on.out('regex'));
    const recursionDead = await deadLetters(on.dlq('recursion'));
    const loopDead = await deadLetters(on.dlq('loop'));
    /** What the hub counted for a flow (since it started): records in and out, dead letters. */
    const counters = async (kind: string) =>
      (await hub.get<{ counters?: { recordsIn: number; recordsOut: number; deadLettered: number } }>(`/api/flows/${on.flowName(kind)}`))
        .data.counters;
    const deadLettersOf = async (kinds: string[]) =>
      (await Promise.all(kinds.map(counters))).reduce((sum, counted) => sum + (counted?.deadLettered ?? 0), 0);

    let hub = await startHub('hub', on);
    await hub.ready(180_000);
    const health = pollHealth(() => hub);
    // Under load: the first wave in chunks while the flows work.
    for (let start = 0; start < firstWave; start += 500) {
      await produce(on, start, start + 500, names);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const active = (upTo: number) => Array.from({ length: upTo }, (_, i) => i).filter(isActive).length;
    await waitOrFail(
      () =>
        normalOut.distinct >= active(firstWave) &&
        recursionDead.tally.distinct >= 3 &&
        loopDead.tally.distinct >= 3 &&
        regexOut.distinct >= firstWave,
      240_000,
      () =>
        `first wave: normal ${normalOut.distinct}/${active(firstWave)}, recursion dead ${recursionDead.tally.distinct}/3, loop dead ${loopDead.tally.distinct}/3, regex out ${regexOut.distinct}/${firstWave}`,
      250,
    );
    const beforeRestart = await health.stop();
    expect(hub.alive, 'the hub is alive').to.equal(true);
    expect(await deadLettersOf(['normal', 'regex']), 'dead letters of the normal and the regex flow').to.equal(0);
    expect(await counters('recursion')).to.include({ recordsIn: firstWave, recordsOut: firstWave - 3, deadLettered: 3 });
    expect(await counters('loop')).to.include({ recordsIn: firstWave, recordsOut: firstWave - 3, deadLettered: 3 });

    // The second wave begins with a runaway record of each kind; the hub dies (SIGKILL) with them in flight.
    await produce(on, firstWave, total, names);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await hub.kill();
    hub = await startHub('hub restarted', on, hub.dataDir);
    await hub.ready(180_000);
    const afterRestart = pollHealth(() => hub);
    await waitOrFail(
      () =>
        normalOut.distinct >= active(total) &&
        recursionDead.tally.distinct >= 4 &&
        loopDead.tally.distinct >= 4 &&
        regexOut.distinct >= total,
      240_000,
      () =>
        `after the restart: normal ${normalOut.distinct}/${active(total)}, recursion dead ${recursionDead.tally.distinct}/4, loop dead ${loopDead.tally.distinct}/4, regex out ${regexOut.distinct}/${total}`,
      250,
    );
    // A few more health answers, then the restarted hub must still be there.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const restarted = await afterRestart.stop();
    expect(hub.alive, `the restarted hub is alive (it said: ${hub.cli.stderr().slice(-2000)})`).to.equal(true);

    process.stdout.write(
      `reliability: runaway expressions: /health slowest ${beforeRestart.slowestMs.toFixed(0)} ms over ${beforeRestart.polls} polls under load, ${restarted.slowestMs.toFixed(0)} ms over ${restarted.polls} after the restart\n`,
    );
    expect(beforeRestart.failures + restarted.failures, 'health answers other than 200').to.equal(0);
    expect(beforeRestart.slowestMs, 'slowest /health under load (ms)').to.be.below(HEALTH_BOUND_MS);
    expect(restarted.slowestMs, 'slowest /health after the restart (ms)').to.be.below(HEALTH_BOUND_MS);

    // Every runaway record is a dead letter of its flow, with the code and the step; nothing else is.
    expect(recursionDead.tally.missing(keysNamed('recurse'))).to.deep.equal([]);
    expect(recursionDead.tally.unexpected(new Set(keysNamed('recurse')))).to.deep.equal([]);
    expect(loopDead.tally.missing(keysNamed('loop'))).to.deep.equal([]);
    expect(loopDead.tally.unexpected(new Set(keysNamed('loop')))).to.deep.equal([]);
    for (const dead of [recursionDead, loopDead]) {
      for (const headers of dead.headers.values())
        expect(headers).to.include({ 'dlq-error-code': 'EXPRESSION_LIMIT_EXCEEDED', 'dlq-flow-step': 'steps[0].filter' });
    }
    expect(
      [...recursionDead.headers.values()].every((headers) => headers['dlq-error-message']!.includes('limits.expressionDepth')),
    ).to.equal(true);
    expect(
      [...loopDead.headers.values()].every((headers) => headers['dlq-error-message']!.includes('limits.expressionTimeoutMs')),
    ).to.equal(true);
    // On RE2 the backtracking pattern is an ordinary, fast non-match: nothing to dead-letter.
    expect(await deadLettersOf(['normal', 'regex']), 'dead letters of the normal and the regex flow after the restart').to.equal(0);
    const expectedActive = new Set(
      Array.from({ length: total }, (_, i) => i)
        .filter(isActive)
        .map((i) => customerKey(on, i)),
    );
    expect(normalOut.missing(expectedActive)).to.deep.equal([]);
    expect(normalOut.unexpected(expectedActive)).to.deep.equal([]);
  });

  it('dead-letters a record that crashed the hub process twice (FLOW_CRASHED) instead of crashing it a third time', async () => {
    const on = await prepare(
      {
        normal: { filter: 'status = "ACTIVE"' },
        bomb: { filter: `fullName = "explode" ? ${HEAP_BOMB} : true` },
      },
      1,
    );
    const total = 300;
    const bombAt = 150;
    const normalOut = await output(on.out('normal'));
    const bombOut = await output(on.out('bomb'));
    const bombDead = await deadLetters(on.dlq('bomb'));
    await produce(on, 0, total, new Map([[bombAt, 'explode']]));

    const env = { NODE_OPTIONS: '--max-old-space-size=320' };
    let dataDir: string | undefined;
    for (const attempt of [1, 2]) {
      const hub = await startHub(`hub ${attempt}`, on, dataDir, env);
      dataDir = hub.dataDir;
      const exit = await Promise.race([hub.cli.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 180_000))]);
      expect(exit, `hub ${attempt} died of the record (it said: ${hub.cli.stderr().slice(-1500)})`).to.not.equal(undefined);
      expect(hub.cli.stderr()).to.match(/heap out of memory/i);
    }
    expect(bombDead.tally.total, 'dead letters before the third start').to.equal(0);

    const hub = await startHub('hub 3', on, dataDir, env);
    await hub.ready(180_000);
    const activeCount = Array.from({ length: total }, (_, i) => i).filter(isActive).length;
    await waitOrFail(
      () => bombDead.tally.distinct >= 1 && bombOut.distinct >= total - 1 && normalOut.distinct >= activeCount,
      180_000,
      () =>
        `third start: bomb dead ${bombDead.tally.distinct}/1, bomb out ${bombOut.distinct}/${total - 1}, normal ${normalOut.distinct}/${activeCount} (hub alive: ${hub.alive}; it said: ${hub.cli.stderr().slice(-1500)})`,
      250,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(hub.alive, 'the third hub is alive').to.equal(true);
    expect(bombDead.tally.missing([customerKey(on, bombAt)])).to.deep.equal([]);
    expect(bombDead.tally.distinct).to.equal(1);
    expect(bombDead.headers.get(customerKey(on, bombAt))).to.include({
      'dlq-error-code': 'FLOW_CRASHED',
      'dlq-original-offset': String(bombAt),
      'dlq-attempts': '2',
    });
  });
});
