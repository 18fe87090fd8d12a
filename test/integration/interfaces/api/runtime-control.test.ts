import { expect } from 'chai';
import express from 'express';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { runtimeRoutes } from '../../../../src/interfaces/api/runtime-routes.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { FlowRuntime } from '../../../../src/flows/flow-runtime.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';
import { ConsumerLagReader } from '../../../../src/platform/kafka/consumer-lag.js';
import type { HubAdmin } from '../../../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { instanceConfig, startRuntime, waitFor, type RuntimeHarness } from '../../../support/runtime-harness.js';
import { uniqueName } from '../../infrastructure.js';

const TOKEN = `operator-${uniqueName('t')}`;
const auth = { headers: { Authorization: `Bearer ${TOKEN}` }, validateStatus: () => true };
/** How long a paused consumer is watched for records it must not take. */
const QUIET_MS = 1500;

describe('pausing, resuming and restarting through the admin API on the real broker', function () {
  this.timeout(60_000);
  let harness: RuntimeHarness;
  let flows: FlowRuntime;
  let admin: HubAdmin;
  let dir: string;
  let target: http.Server;
  let api: http.Server;
  let base: string;
  const delivered: string[] = [];
  const sinkTopic = uniqueName('it.control.sink');
  const flowIn = uniqueName('it.control.in');
  const flowOut = uniqueName('it.control.out');
  const flowName = uniqueName('control').toLowerCase();
  let sinkName: string;

  const get = async (route: string) => (await axios.get(`${base}${route}`, auth)).data;
  const post = (route: string) => axios.post(`${base}${route}`, undefined, auth);

  async function produce(topic: string, keys: string[]): Promise<void> {
    const producer = await harness.client.producer();
    const schema = harness.schemas.registrySchema('Customer');
    await producer.send(
      topic,
      await Promise.all(
        keys.map(async (key) => ({
          key,
          value: await harness.serde.encode(valueSubject(topic), schema, { ...sampleCustomer(), customerId: key, status: 'ACTIVE' }),
        })),
      ),
    );
    await producer.disconnect();
  }

  const lagOf = async (route: string): Promise<number | undefined> => (await get(route)).lag?.total;
  const outputs = async () => (await harness.client.readToEnd(flowOut)).length;

  before(async () => {
    // The sink's target: an HTTP endpoint that takes everything and remembers each key.
    target = http
      .createServer((req, res) => {
        delivered.push(decodeURIComponent(req.url!.split('/').pop()!));
        req.resume().on('end', () => res.writeHead(204).end());
      })
      .listen(0);
    await new Promise((resolve) => target.once('listening', resolve));
    const instance = instanceConfig({
      connector: 'http-sink',
      topics: [sinkTopic],
      config: {
        url: `http://127.0.0.1:${(target.address() as AddressInfo).port}/customers/{key}`,
        method: 'PUT',
        body: 'value',
        timeoutMs: 2000,
        headers: {},
      },
    });
    sinkName = instance.name;
    harness = await startRuntime([instance]);
    admin = await harness.client.admin();
    await admin.ensureTopics([
      { topic: sinkTopic, partitions: 2 },
      { topic: flowIn, partitions: 2 },
    ]);

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-control-'));
    fs.writeFileSync(
      path.join(dir, `${flowName}.yaml`),
      `name: ${flowName}
from: ${flowIn}
steps:
  - filter: status = "ACTIVE"
to: { topic: ${flowOut}, schema: crmhub.customer.Customer }
topics: { ${flowIn}: { schema: crmhub.customer.Customer }, ${flowOut}: { schema: crmhub.customer.Customer } }
errors:
  retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100, multiplier: 2 }
  deadLetterTopic: dlq.flow.${flowName}
`,
    );
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
    flows = await FlowRuntime.start(dir, {
      client: harness.client,
      serde: harness.serde,
      schemas: harness.schemas,
      steps: createStepRegistry(),
      logger,
    });

    // Lag is kept only briefly here, so that each step below sees the broker's answer soon.
    const lag = new ConsumerLagReader(admin, { maxAgeMs: 200 });
    const app = express();
    app.use(
      apiRouter(
        runtimeRoutes({ connectors: harness.runtime, flows, lag }),
        { tokens: new ApiTokens([{ name: 'ops', role: 'operator', sha256: sha256Hex(TOKEN) }]), openPaths: new Set() },
        logger,
      ),
    );
    api = http.createServer(app).listen(0);
    await new Promise((resolve) => api.once('listening', resolve));
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  });

  after(async () => {
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
    await flows?.stop();
    await harness?.stop();
    await admin?.disconnect();
    await new Promise((resolve) => target?.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a paused sink takes nothing while its lag counts what waits, takes it all once resumed, and restarts with its pause', async () => {
    const route = `/api/connectors/${sinkName}`;
    await produce(sinkTopic, ['a1', 'a2', 'a3', 'a4']);
    await waitFor(() => delivered.length >= 4, 20_000, 'the first four deliveries');
    await waitFor(async () => (await lagOf(route)) === 0, 10_000, 'lag 0 once committed');

    const paused = await post(`${route}/pause`);
    expect(paused.status).to.equal(200);
    expect(paused.data).to.include({ name: sinkName, kind: 'sink', state: 'paused' });
    expect(paused.data.lag.groupId).to.equal(`crm-hub.sink.${sinkName}`);
    await produce(sinkTopic, ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    await waitFor(async () => (await lagOf(route)) === 7, 10_000, 'lag of the seven waiting');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(delivered, 'nothing delivered while paused').to.have.length(4);
    expect(await lagOf(route)).to.equal(7);

    expect((await post(`${route}/resume`)).data.state).to.equal('running');
    await waitFor(() => delivered.length >= 11, 20_000, 'the seven after the resume');
    await waitFor(async () => (await lagOf(route)) === 0, 10_000, 'lag 0 again');

    const restarted = await post(`${route}/restart`);
    expect(restarted.status).to.equal(200);
    expect(restarted.data.state).to.equal('running');
    expect(restarted.data.counters.recordsOut, 'counters carry over a restart').to.be.at.least(11);
    await produce(sinkTopic, ['c1']);
    await waitFor(() => delivered.includes('c1'), 20_000, 'a delivery by the restarted instance');

    await post(`${route}/pause`);
    const restartedPaused = await post(`${route}/restart`);
    expect(restartedPaused.data.state, 'a pause holds across a restart').to.equal('paused');
    await produce(sinkTopic, ['d1']);
    await waitFor(async () => (await lagOf(route)) === 1, 10_000, 'lag of the one waiting');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(delivered).not.to.include('d1');
    await post(`${route}/resume`);
    await waitFor(() => delivered.includes('d1'), 20_000, 'd1 after the resume');
    expect(new Set(delivered)).to.have.property('size', 13);
  });

  it('a paused flow takes nothing while its lag counts what waits, and a restart is a new generation that keeps the pause', async () => {
    const route = `/api/flows/${flowName}`;
    await produce(flowIn, ['f1', 'f2', 'f3']);
    await waitFor(async () => (await outputs()) >= 3, 20_000, 'the first three outputs');
    await waitFor(async () => (await lagOf(route)) === 0, 10_000, 'lag 0 once committed');

    const paused = await post(`${route}/pause`);
    expect(paused.data).to.include({ name: flowName, state: 'paused', generation: 1 });
    await produce(flowIn, ['g1', 'g2', 'g3', 'g4', 'g5']);
    await waitFor(async () => (await lagOf(route)) === 5, 10_000, 'lag of the five waiting');
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(await outputs(), 'nothing processed while paused').to.equal(3);

    const overview = await get('/api/status');
    expect(overview.totals.flows.byState.paused).to.equal(1);
    expect(overview.flows.find((flow: { name: string }) => flow.name === flowName).lag.total).to.equal(5);

    const restarted = await post(`${route}/restart`);
    expect(restarted.status).to.equal(200);
    expect(restarted.data).to.include({ state: 'paused', generation: 2 });
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(await outputs(), 'still nothing after the restart').to.equal(3);

    expect((await post(`${route}/resume`)).data.state).to.equal('running');
    await waitFor(async () => (await outputs()) >= 8, 20_000, 'the five after the resume');
    await waitFor(async () => (await lagOf(route)) === 0, 10_000, 'lag 0 again');
    const status = await get(route);
    expect(status.counters.recordsIn, 'the new generation counts from zero').to.equal(5);
  });
});
