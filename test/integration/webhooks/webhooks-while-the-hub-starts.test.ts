import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import axios, { type Method } from 'axios';
import { expect } from 'chai';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { Hub } from '../../../src/hub/hub.js';
import { loadHubConnectors } from '../../../src/hub/hub-connectors.js';
import { hubSettingsFromEnv } from '../../../src/hub/hub-settings.js';
import { freePort } from '../../../src/platform/infra/free-port.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { sendWebhook } from '../../../src/demo/webhook-sender.js';
import { PROJECT_ROOT } from '../../support/cli-process.js';
import { capturedLogger } from '../../unit/platform/observability/log-capture.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

/** A TCP forwarder to the suite's broker on a port that refuses connections until `open`: a broker that comes up late. */
function lateBroker(port: number): { address: string; open(): Promise<void>; close(): Promise<void> } {
  const [host, brokerPort] = infrastructure().kafka.brokers[0]!.split(':') as [string, string];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(brokerPort), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  return {
    address: `127.0.0.1:${port}`,
    open: () => new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}

/** The first IPv4 address of this machine that is not loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('webhooks while the hub starts', function () {
  this.timeout(150_000);

  it('listens on loopback only; answers a configured push source 503 + Retry-After until ready, and JSON, never HTML, to everything', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-starting-'));
    const flowsDir = path.join(dataDir, 'no-flows');
    fs.mkdirSync(flowsDir);
    const push = uniqueName('push');
    const unsigned = uniqueName('unsigned');
    const secret = `whsec-${uniqueName('k')}`;
    const configFile = path.join(dataDir, 'crm-hub.yaml');
    fs.writeFileSync(
      configFile,
      `connectors:
  ${push}:
    connector: http-source
    webhook: { secret: "\${PUSH_SECRET}" }
    config: { topic: crm.customer.v1, keyField: customerId, eventType: CustomerUpdated }
  ${unsigned}:
    connector: http-source
    config: { topic: crm.customer.v1, keyField: customerId, eventType: CustomerUpdated }
customerView: { enabled: false }
`,
    );
    const broker = lateBroker(await freePort());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { logger, text } = capturedLogger({ level: 'info' });
    // No CRM_HUB_HOST: the default address.
    const settings = hubSettingsFromEnv(
      {
        CRM_HUB_PORT: String(port),
        CRM_HUB_DATA_DIR: dataDir,
        CRM_HUB_FLOWS_DIR: flowsDir,
        KAFKA_BROKERS: broker.address,
        SCHEMA_REGISTRY_URL: infrastructure().registry.url,
        CRM_HUB_CONNECT_TIMEOUT_MS: '90000',
      },
      PROJECT_ROOT,
    );
    const connectors = await loadHubConnectors(configFile, logger, { PUSH_SECRET: secret });
    // The push source without a secret is refused before anything starts; the other one is not.
    expect([...connectors.invalid.keys()]).to.deep.equal([unsigned]);
    expect(connectors.invalid.get(unsigned)!.problems.join('\n')).to.match(
      new RegExp(`crm-hub\\.yaml:6:\\d+ connectors\\.${unsigned}\\.webhook\\.secret: is required`),
    );
    let hub: Hub | undefined;
    const starting = Hub.start(settings, await SchemaCatalog.load(settings.schemasDir), connectors, logger).then(
      (started) => (hub = started),
    );
    starting.catch(() => undefined);
    const request = (method: Method, route: string, data?: string) =>
      axios.request({
        method,
        url: `${base}${route}`,
        data,
        headers: { 'content-type': 'application/json' },
        validateStatus: () => true,
        transformRequest: [(body: unknown) => body],
        responseType: 'text',
        transformResponse: [(body: unknown) => body],
        timeout: 5000,
      });
    const htmlAnswers: string[] = [];
    const sendSpread = async (when: string) => {
      for (const route of [
        '/',
        `/webhooks/${push}`,
        `/webhooks/${unsigned}`,
        '/webhooks/nobody',
        '/api/status',
        '/api/connectors/x/pause',
        '/api/nothing',
        '/health',
        '/%E0%A4%A',
      ]) {
        for (const method of ['get', 'post', 'put', 'delete', 'patch'] as Method[]) {
          for (const body of [undefined, '{"unclosed":']) {
            const response = await request(method, route, body);
            const type = String(response.headers['content-type'] ?? '');
            if (type.includes('text/html') || /<!DOCTYPE|<pre>/i.test(String(response.data)))
              htmlAnswers.push(`${when}: ${method.toUpperCase()} ${route} -> ${response.status} ${type}`);
            if (response.status >= 400) expect(type, `${when}: ${method} ${route}`).to.match(/^application\/json/);
          }
        }
      }
    };
    try {
      // The HTTP server is up within a second or so; the broker is not there at all yet.
      let health = await request('get', '/health').catch(() => undefined);
      for (let tries = 0; !health && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        health = await request('get', '/health').catch(() => undefined);
      }
      expect(health?.status, 'the HTTP server did not listen').to.be.a('number');
      expect(hub, 'started without a broker').to.equal(undefined);

      const signedEarly = await sendWebhook(`${base}/webhooks/${push}`, { eventId: 'early', customerId: 'C1' }, { secret });
      expect(signedEarly.status).to.equal(503);
      expect(signedEarly.body).to.deep.equal({ error: { code: 'WEBHOOK_NOT_READY', message: `${push} is starting; send again in 5 s` } });
      const early = await request('post', `/webhooks/${push}`, '{}');
      expect([early.status, early.headers['retry-after'], early.headers['content-type']]).to.deep.equal([
        503,
        '5',
        'application/json; charset=utf-8',
      ]);
      const refused = await request('post', `/webhooks/${unsigned}`, '{}');
      expect([refused.status, refused.headers['retry-after']]).to.deep.equal([503, '5']);
      const unknown = await request('post', '/webhooks/nobody', '{}');
      expect([unknown.status, JSON.parse(unknown.data).error.code]).to.deep.equal([404, 'WEBHOOK_UNKNOWN']);
      const route = await request('get', '/api/status');
      expect([route.status, JSON.parse(route.data).error.code]).to.deep.equal([404, 'ROUTE_UNKNOWN']);
      expect(JSON.parse(route.data).error.message).to.contain('the hub is still starting');
      await sendSpread('starting');

      // Bound to loopback: the machine's own network address does not answer.
      const external = nonLoopbackAddress();
      expect(await connects('127.0.0.1', port)).to.equal(true);
      if (external) expect(await connects(external, port), `reachable on ${external}`).to.equal(false);

      expect(hub, 'started without a broker').to.equal(undefined);
      await broker.open();
      await starting;

      // Ready: the endpoint itself answers; unsigned is refused, signed is taken.
      const unsignedNow = await sendWebhook(`${base}/webhooks/${push}`, { eventId: 'late' });
      expect([unsignedNow.status, (unsignedNow.body as { error: { code: string } }).error.code]).to.deep.equal([401, 'SIGNATURE_MISSING']);
      const customer = { ...sampleCustomer(), customerId: uniqueName('C') };
      const signedNow = await sendWebhook(`${base}/webhooks/${push}`, { eventId: uniqueName('evt'), records: [customer] }, { secret });
      expect(signedNow.status, JSON.stringify(signedNow.body)).to.equal(200);
      // The refused instance stays refused, and says so to whoever may see the status.
      expect(hub!.connectorRuntime!.status(unsigned)).to.deep.include({ state: 'failed' });
      expect(hub!.connectorRuntime!.status(unsigned).lastError!.message).to.contain('webhook.secret: is required');
      await sendSpread('ready');
      expect(htmlAnswers).to.deep.equal([]);
    } finally {
      await starting.catch(() => undefined);
      await hub?.stop();
      await broker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    expect(await text()).to.contain(`connector instance ${unsigned} not started`);
  });
});
