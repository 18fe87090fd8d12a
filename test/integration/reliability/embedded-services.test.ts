import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../src/platform/avro/schema-registry-client.js';
import { freePort } from '../../../src/platform/infra/free-port.js';
import type { OutgoingRecord } from '../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../src/platform/kafka/kafkajs-client.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { startBackOfficeSimulator, type BackOfficeSimulator } from '../../../src/demo/back-office-simulator.js';
import { cleanEnv, startCli, type CliRun } from '../../support/cli-process.js';
import { waitFor } from '../../support/runtime-harness.js';
import { produceSteadily } from '../../support/steady-producer.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

/**
 * The hub's own embedded broker dying under it, and the hub being told to stop while a sink waits
 * out a long backoff. Each hub runs as its own process on the embedded default (KAFKA_BROKERS unset,
 * its own data folder and broker port), since these tests kill that broker; schemas go to the
 * suite's registry, which nothing here stops. Each test prints its figures in one `reliability:` line.
 */
const CUSTOMER_RECORD = 'crmhub.customer.Customer';
const RECORDS = 1500;
const PER_SECOND = 150;
/** The bound the SIGTERM test gives the hub (CRM_HUB_SHUTDOWN_TIMEOUT_MS), and what it may add for the process to end. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
const EXIT_SLACK_MS = 3_000;

interface EmbeddedHub {
  run: CliRun;
  url: string;
  dataDir: string;
  brokers: string[];
}

describe('reliability: the embedded broker dies, the hub is stopped mid-retry', function () {
  this.timeout(300_000);
  let dir: string;
  let cleanups: (() => Promise<unknown>)[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-embedded-services-'));
    cleanups = [];
  });

  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    // Whatever the test did, no broker of its hubs outlives it.
    for (const pid of await brokerPids(dir)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of the embedded broker mid-stream: the hub says so, restarts it, is healthy again and loses no record', async () => {
    const target = await startTarget();
    const id = uniqueName('eb').toLowerCase();
    const topic = `reliability.${id}.customers`;
    const relayed = `reliability.${id}.relayed`;
    const hub = await startEmbeddedHub(
      sinkConfig(id, relayed, target.url, { attempts: 10, initialDelayMs: 200, maxDelayMs: 2000, multiplier: 2 }),
      {
        [`relay-${id}.yaml`]: `name: relay-${id}
from: ${topic}
steps:
  - filter: customerId != ""
to: { topic: ${relayed}, schema: ${CUSTOMER_RECORD} }
topics: { ${topic}: { schema: ${CUSTOMER_RECORD} }, ${relayed}: { schema: ${CUSTOMER_RECORD} } }
errors: { retry: { attempts: 10, initialDelayMs: 200, maxDelayMs: 2000, multiplier: 2 } }
`,
      },
    );
    const client = new KafkajsClient({ brokers: hub.brokers });
    const admin = await client.admin();
    await admin
      .ensureTopics([
        { topic, partitions: 3 },
        { topic: relayed, partitions: 3 },
      ])
      .finally(() => admin.disconnect());
    const producer = await client.producer();
    cleanups.push(() => producer.disconnect());

    const keys = Array.from({ length: RECORDS }, (_, i) => `EB-${id}-${String(i).padStart(5, '0')}`);
    const delivered = () => new Set(target.received('customers').map((write) => write.key)).size;
    const production = produceSteadily(producer, topic, await encodeCustomers(topic, keys), PER_SECOND, {
      backlog: { delivered, ahead: 300 },
      retryForMs: 180_000,
    });
    production.done.catch(() => undefined);
    cleanups.push(async () => production.stop());

    await waitFor(
      () => delivered() >= RECORDS / 3,
      120_000,
      `a third of the records at the sink (have ${delivered()}; hub said: ${hub.run.stderr().slice(-2000)})`,
    );
    const [pid] = await brokerPids(hub.dataDir);
    expect(pid, 'the embedded broker process').not.to.equal(undefined);
    const [deliveredAtKill, producedAtKill] = [delivered(), production.produced()];
    process.kill(pid!, 'SIGKILL');
    const killedAt = Date.now();

    await waitFor(async () => (await healthStatus(hub)) !== 200, 30_000, '/health to notice the dead broker');
    await waitFor(async () => (await healthStatus(hub)) === 200, 120_000, `/health ok again (hub said: ${hub.run.stderr().slice(-3000)})`);
    const healthyAfterMs = Date.now() - killedAt;
    const [restartedPid] = await brokerPids(hub.dataDir);
    expect(restartedPid, 'a new broker process').to.be.a('number').and.not.equal(pid);
    const log = hub.run.stderr();
    expect(log, 'the death is logged, naming the broker').to.match(
      new RegExp(`embedded Kafka on ${hub.brokers[0]} died \\(exit code 137, i.e. killed by signal 9\\); restarting it`),
    );
    // The clients may reconnect (and /health turn ok) before the supervisor's own readiness probe, polled
    // every 500 ms, confirms the restart and logs it: wait for the line rather than read it once (CI saw the race).
    await waitFor(
      () => hub.run.stderr().includes(`embedded Kafka on ${hub.brokers[0]} restarted`),
      30_000,
      `the restart logged (hub said: ${hub.run.stderr().slice(-2000)})`,
    );

    await production.done;
    await waitFor(
      () => keys.every((key) => received(target).has(key)),
      180_000,
      `all ${RECORDS} records at the sink (have ${delivered()}; hub said: ${hub.run.stderr().slice(-2000)})`,
    );
    const allDeliveredAfterMs = Date.now() - killedAt;
    const missing = keys.filter((key) => !received(target).has(key));
    expect(missing, 'keys never delivered').to.deep.equal([]);
    const duplicates = target.received('customers').length - RECORDS;

    const stop = await sigterm(hub);
    expect(stop.code, 'exit code after SIGTERM').to.equal(0);
    expect(await brokerPids(hub.dataDir), 'broker processes left after the hub exited').to.deep.equal([]);
    report(
      `embedded broker kill -9 mid-stream (topic → flow → topic → HTTP sink, ${RECORDS} records, killed at ${deliveredAtKill} delivered/${producedAtKill} produced) — ` +
        `the hub logged it and restarted the broker on its port and data, /health ok again ${seconds(healthyAfterMs)} s after the kill, all delivered ${seconds(allDeliveredAfterMs)} s after it; ` +
        `0 lost, ${duplicates} applied twice; SIGTERM then stopped the hub in ${seconds(stop.ms)} s`,
    );
  });

  it('an embedded broker that cannot come back (its port taken): after the restart attempts the hub exits non-zero naming it', async () => {
    const target = await startTarget();
    const id = uniqueName('ebx').toLowerCase();
    const attempts = 2;
    const hub = await startEmbeddedHub(
      sinkConfig(id, `reliability.${id}.relayed`, target.url, { attempts: 3, initialDelayMs: 200, maxDelayMs: 1000, multiplier: 2 }),
      {},
      {
        CRM_HUB_SERVICE_RESTART_ATTEMPTS: String(attempts),
        // Time for the test to take the port before the first try.
        CRM_HUB_SERVICE_RESTART_DELAY_MS: '3000',
        CRM_HUB_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      },
    );
    const [pid] = await brokerPids(hub.dataDir);
    expect(pid, 'the embedded broker process').not.to.equal(undefined);
    const port = Number(hub.brokers[0]!.split(':')[1]);
    process.kill(pid!, 'SIGKILL');
    const killedAt = Date.now();
    const squatter = await occupy(port, 2500);
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));

    // Waits of 3 and 6 s, then the bounded stop.
    const exit = await Promise.race([hub.run.exited, sleep(60_000).then(() => undefined)]);
    expect(exit, `the hub exited by itself (it said: ${hub.run.stderr().slice(-2000)})`).not.to.equal(undefined);
    expect(exit!.code, 'exit code').to.equal(1);
    const log = hub.run.stderr();
    expect(log)
      .to.include(`restarting embedded Kafka on ${hub.brokers[0]} failed (attempt ${attempts} of ${attempts})`)
      .and.include(`port ${port}`);
    expect(log).to.match(
      new RegExp(
        `embedded Kafka on ${hub.brokers[0]} died \\(exit code 137, i\\.e\\. killed by signal 9\\) and could not be brought back: ${attempts} restart attempt\\(s\\)`,
      ),
    );
    expect(log, 'the broker log is named').to.include(path.join(hub.dataDir, 'kafka', 'kafka.log'));
    expect(await brokerPids(hub.dataDir), 'broker processes left').to.deep.equal([]);
    report(
      `embedded broker that cannot come back (port taken after kill -9) — ${attempts} restart attempts, then the hub exited with code ${exit!.code} naming the broker ${seconds(Date.now() - killedAt)} s after the kill`,
    );
  });

  it(`SIGTERM while a sink waits out a long backoff and the broker is gone: the hub exits within CRM_HUB_SHUTDOWN_TIMEOUT_MS, leaves no broker running, and delivers the records after its restart`, async () => {
    const target = await startTarget();
    target.failFor(3_600_000, 503);
    const id = uniqueName('st').toLowerCase();
    const topic = `reliability.${id}.customers`;
    const config = sinkConfig(
      id,
      topic,
      target.url,
      { attempts: 20, initialDelayMs: 20_000, maxDelayMs: 20_000, multiplier: 2 },
      { customerView: true },
    );
    // The supervisor would bring the broker back after a second; here it is still down when the SIGTERM comes.
    const env = { CRM_HUB_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), CRM_HUB_SERVICE_RESTART_DELAY_MS: '120000' };
    const first = await startEmbeddedHub(config, {}, env);
    const client = new KafkajsClient({ brokers: first.brokers });
    const producer = await client.producer();
    const keys = Array.from({ length: 50 }, (_, i) => `ST-${id}-${String(i).padStart(3, '0')}`);
    await producer.send(topic, await encodeCustomers(topic, keys));
    await producer.disconnect();
    await waitFor(
      () => first.run.stderr().includes(`sink sink-${id}:`) && first.run.stderr().includes('retrying in'),
      90_000,
      `the sink retrying (hub said: ${first.run.stderr().slice(-2000)})`,
    );
    expect(target.received('customers'), 'nothing was accepted while the target refused').to.deep.equal([]);

    const [pid] = await brokerPids(first.dataDir);
    expect(pid, 'the embedded broker process').not.to.equal(undefined);
    process.kill(pid!, 'SIGKILL');
    await waitFor(async () => (await healthStatus(first)) !== 200, 30_000, '/health to notice the dead broker');
    const stop = await sigterm(first);
    expect(stop.ms, `SIGTERM to exit (hub said: ${first.run.stderr().slice(-2000)})`).to.be.below(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
    expect(stop.code, 'exit code after SIGTERM').to.equal(0);
    expect(await brokerPids(first.dataDir), 'broker processes left after the hub exited').to.deep.equal([]);

    // The target is back, the hub starts again on the same data: the abandoned records were not committed.
    target.failFor(0, 503);
    const second = await startEmbeddedHub(config, {}, env, first.dataDir, Number(first.brokers[0]!.split(':')[1]));
    await waitFor(
      () => keys.every((key) => received(target).has(key)),
      120_000,
      `the ${keys.length} records delivered after the restart (have ${received(target).size}; hub said: ${second.run.stderr().slice(-2000)})`,
    );
    expect(
      keys.filter((key) => !received(target).has(key)),
      'keys never delivered',
    ).to.deep.equal([]);
    const again = await sigterm(second);
    expect(again.code).to.equal(0);
    expect(await brokerPids(first.dataDir), 'broker processes left after the second hub exited').to.deep.equal([]);
    report(
      `SIGTERM while a sink waited out a 20 s backoff against a 503 target and the embedded broker was dead (kill -9) — hub exited in ${seconds(stop.ms)} s (bound ${SHUTDOWN_TIMEOUT_MS / 1000} s), ` +
        `no broker left running; after the restart all ${keys.length} retried records delivered, 0 lost; the same stop with the broker up took ${seconds(again.ms)} s`,
    );
  });

  async function startTarget(): Promise<BackOfficeSimulator> {
    const target = await startBackOfficeSimulator({
      name: 'target',
      latencyMs: [1, 3],
      collections: { customers: { keyField: 'customerId' } },
    });
    cleanups.push(() => target.close());
    return target;
  }

  /** `crm-hub run` on the embedded broker (a port of its own) and the suite's registry; resolves once /health is ok. */
  async function startEmbeddedHub(
    config: string,
    flows: Record<string, string>,
    env: NodeJS.ProcessEnv = {},
    dataDir?: string,
    kafkaPort?: number,
  ): Promise<EmbeddedHub> {
    const workspace = fs.mkdtempSync(path.join(dir, 'hub-'));
    const configFile = path.join(workspace, 'crm-hub.yaml');
    const flowsDir = path.join(workspace, 'flows');
    fs.writeFileSync(configFile, config);
    fs.mkdirSync(flowsDir);
    for (const [name, text] of Object.entries(flows)) fs.writeFileSync(path.join(flowsDir, name), text);
    const data = dataDir ?? path.join(workspace, 'data');
    const [httpPort, brokerPort] = [await freePort(), kafkaPort ?? (await freePort())];
    const run = startCli(
      ['run'],
      cleanEnv({
        SCHEMA_REGISTRY_URL: infrastructure().registry.url,
        CRM_HUB_PORT: String(httpPort),
        CRM_HUB_HOST: '127.0.0.1',
        CRM_HUB_KAFKA_PORT: String(brokerPort),
        CRM_HUB_CONFIG: configFile,
        CRM_HUB_FLOWS_DIR: flowsDir,
        CRM_HUB_DATA_DIR: data,
        CRM_HUB_KAFKA_SESSION_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'warn',
        ...env,
      }),
    );
    cleanups.push(async () => {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.exited;
    });
    const hub = { run, url: `http://127.0.0.1:${httpPort}`, dataDir: data, brokers: [`127.0.0.1:${brokerPort}`] };
    await waitFor(
      async () => {
        if (run.child.exitCode !== null) throw new Error(`the hub exited at start: ${run.stderr().slice(-3000)}`);
        return (await healthStatus(hub)) === 200;
      },
      180_000,
      `a healthy hub (it said: ${run.stderr().slice(-2000)})`,
    );
    return hub;
  }
});

function sinkConfig(
  id: string,
  topic: string,
  targetUrl: string,
  retry: { attempts: number; initialDelayMs: number; maxDelayMs: number; multiplier: number },
  options: { customerView?: boolean } = {},
): string {
  return `connectors:
  sink-${id}:
    connector: http-sink
    topics: [${topic}]
    batchSize: 50
    retry: ${JSON.stringify(retry)}
    config:
      url: "${targetUrl}/api/customers/{key}"
      method: PUT
customerView: { enabled: ${options.customerView ?? false} }
`;
}

/** Pids of the Java broker processes (not their guard shells) of the hubs whose data lives under `dataDir`: their command line names its files. */
async function brokerPids(dataDir: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)('pgrep', ['-f', `^java .*-Dlog4j2.configurationFile=${dataDir}.*kafka.Kafka`]).catch(() => ({
    stdout: '',
  }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

/** Listens on `port` as soon as it is free (the killed broker lets go of it within moments); close() drops the hub's connections too. */
async function occupy(port: number, timeoutMs: number): Promise<net.Server> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = net.createServer((socket) => socket.on('error', () => undefined));
    const sockets = new Set<net.Socket>();
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    const close = server.close.bind(server);
    server.close = (callback?: (error?: Error) => void) => {
      for (const socket of sockets) socket.destroy();
      return close(callback);
    };
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (listening) return server;
    if (Date.now() > deadline) throw new Error(`port ${port} stayed taken after the broker was killed`);
    await sleep(20);
  }
}

async function sigterm(hub: EmbeddedHub): Promise<{ code: number | null; ms: number }> {
  const sent = Date.now();
  hub.run.child.kill('SIGTERM');
  const exit = await Promise.race([hub.run.exited, sleep(120_000).then(() => undefined)]);
  return { code: exit?.code ?? null, ms: Date.now() - sent };
}

function received(target: BackOfficeSimulator): Set<string> {
  return new Set(target.received('customers').map((write) => write.key));
}

async function healthStatus(hub: { url: string }): Promise<number> {
  try {
    return (await axios.get(`${hub.url}/health`, { timeout: 8000, validateStatus: () => true })).status;
  } catch {
    return 0;
  }
}

const schemas = SchemaCatalog.load();

async function encodeCustomers(topic: string, keys: string[]): Promise<OutgoingRecord[]> {
  const schema = (await schemas).registrySchema(CUSTOMER_RECORD);
  const serde = new AvroSerde(new SchemaRegistryClient(infrastructure().registry.url));
  return Promise.all(
    keys.map(async (key) => {
      const customer = sampleCustomer();
      const value = { ...customer, meta: { ...(customer.meta as object), eventId: randomUUID() }, customerId: key };
      return { key, value: await serde.encode(valueSubject(topic), schema, value) };
    }),
  );
}

function report(line: string): void {
  process.stdout.write(`reliability: ${line}\n`);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
