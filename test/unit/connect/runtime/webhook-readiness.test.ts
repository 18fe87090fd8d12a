import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { defineConnector, type SourceConnector } from '../../../../src/connect/sdk/connector-definition.js';
import { ConnectorRuntime } from '../../../../src/connect/runtime/connector-runtime.js';
import { instanceConfig } from '../../../support/runtime-harness.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';
import { capturedLogger } from '../../platform/observability/log-capture.js';

/** A push source whose `create` waits for the test when `gate` is set: the moment an instance is (re)starting. */
function gatedPushSource() {
  let gate: Promise<void> | undefined;
  const definition = defineConnector({
    name: 'gated-push',
    version: '0.0.1',
    kind: 'source',
    description: 'Receives webhooks; for runtime tests',
    produces: ['crm.customer.v1'],
    receivesWebhooks: true,
    spec: { type: 'object' },
    create: async (): Promise<SourceConnector> => {
      await gate;
      return { webhook: { eventId: () => 'e', toRecords: () => [] } };
    },
  });
  return { definition, hold: (until: Promise<void>) => (gate = until) };
}

async function serve(router: express.Router): Promise<{ url: string; close(): void }> {
  const app = express();
  app.use(router);
  let server!: http.Server;
  await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('webhooks of the connector runtime: secrets and readiness', () => {
  let schemas: SchemaCatalog;
  before(async () => {
    schemas = await SchemaCatalog.load();
  });

  it('refuses to start a push source with no secret unless insecure: true, and warns about the insecure one', async () => {
    const { definition } = gatedPushSource();
    const { logger, lines } = capturedLogger({ level: 'info' });
    const runtime = await ConnectorRuntime.start(
      {
        file: 'test',
        connectors: [
          instanceConfig({
            name: 'unsigned',
            connector: definition.name,
            config: {},
            webhook: { toleranceSeconds: 300, maxBodyBytes: 1024 },
          }),
          instanceConfig({
            name: 'open',
            connector: definition.name,
            config: {},
            webhook: { toleranceSeconds: 300, maxBodyBytes: 1024, insecure: true },
          }),
          instanceConfig({
            name: 'signed',
            connector: definition.name,
            config: {},
            webhook: { secret: 'k', toleranceSeconds: 300, maxBodyBytes: 1024 },
          }),
        ],
      },
      {
        client: new InMemoryKafka(),
        serde: new AvroSerde(new InMemorySchemaRegistry()),
        schemas,
        logger,
        connectors: { get: () => definition, find: () => definition },
      },
    );
    try {
      const refused = runtime.status('unsigned');
      expect(refused.state).to.equal('failed');
      expect(refused.lastError).to.include({ code: 'WEBHOOK_SECRET_MISSING' });
      expect(refused.lastError!.message).to.contain('connectors.unsigned.webhook.secret is required');
      expect(runtime.status('open').state).to.equal('running');
      expect(runtime.status('signed').state).to.equal('running');
      const warnings = (await lines()).filter((line) => line.level === 'warn').map((line) => String(line.message));
      expect(warnings.filter((message) => message.includes('UNSIGNED'))).to.have.length(1);
      expect(warnings.find((message) => message.includes('UNSIGNED'))).to.contain('webhook open');
    } finally {
      await runtime.stop();
    }
  });

  it('warns when a connector creates a webhook its definition does not declare (validate could not have checked the secret)', async () => {
    const { definition } = gatedPushSource();
    const undeclared = { ...definition, name: 'undeclared-push', receivesWebhooks: undefined };
    const { logger, lines } = capturedLogger({ level: 'info' });
    const runtime = await ConnectorRuntime.start(
      {
        file: 'test',
        connectors: [
          instanceConfig({
            name: 'undeclared',
            connector: undeclared.name,
            config: {},
            webhook: { secret: 'k', toleranceSeconds: 300, maxBodyBytes: 1024 },
          }),
        ],
      },
      {
        client: new InMemoryKafka(),
        serde: new AvroSerde(new InMemorySchemaRegistry()),
        schemas,
        logger,
        connectors: { get: () => undeclared, find: () => undeclared },
      },
    );
    try {
      expect(runtime.status('undeclared').state).to.equal('running');
      const warnings = (await lines()).filter((line) => line.level === 'warn').map((line) => String(line.message));
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain('undeclared-push creates a webhook without declaring receivesWebhooks: true');
    } finally {
      await runtime.stop();
    }
  });

  it('answers 503 with Retry-After (JSON) for a push source that is restarting or failed, JSON 404 for a name it does not host', async () => {
    const { definition, hold } = gatedPushSource();
    const { logger } = capturedLogger({ level: 'error' });
    const runtime = await ConnectorRuntime.start(
      {
        file: 'test',
        connectors: [
          instanceConfig({ name: 'orders-in', connector: definition.name, config: {} }),
          instanceConfig({
            name: 'refused-in',
            connector: definition.name,
            config: {},
            webhook: { toleranceSeconds: 300, maxBodyBytes: 1024 },
          }),
        ],
      },
      {
        client: new InMemoryKafka(),
        serde: new AvroSerde(new InMemorySchemaRegistry()),
        schemas,
        logger,
        connectors: { get: () => definition, find: () => definition },
      },
    );
    const server = await serve(runtime.webhookRouter);
    const post = (instance: string) => axios.post(`${server.url}/webhooks/${instance}`, { eventId: 'e' }, { validateStatus: () => true });
    try {
      let release!: () => void;
      hold(new Promise<void>((resolve) => (release = resolve)));
      const restarting = runtime.restart('orders-in');
      try {
        // The new connector object is being created: the instance has no endpoint this moment.
        const during = await post('orders-in');
        expect(during.status).to.equal(503);
        expect(during.headers['retry-after']).to.equal('5');
        expect(during.headers['content-type']).to.match(/^application\/json/);
        expect(during.data.error).to.include({ code: 'WEBHOOK_NOT_READY' });
      } finally {
        release();
        await restarting;
      }
      expect(runtime.status('orders-in').state).to.equal('running');

      const failed = await post('refused-in');
      expect([failed.status, failed.headers['retry-after'], failed.data.error.code]).to.deep.equal([503, '5', 'WEBHOOK_NOT_READY']);
      // What a sender learns is only that it is not running: the reason stays in the status API.
      expect(failed.data.error.message).to.equal('refused-in is not running; send again in 5 s');

      const unknown = await post('nobody');
      expect([unknown.status, unknown.data.error.code]).to.deep.equal([404, 'WEBHOOK_UNKNOWN']);
      const wrongMethod = await axios.get(`${server.url}/webhooks/orders-in`, { validateStatus: () => true });
      expect([wrongMethod.status, wrongMethod.headers.allow, wrongMethod.data.error.code]).to.deep.equal([
        405,
        'POST',
        'METHOD_NOT_ALLOWED',
      ]);
    } finally {
      server.close();
      await runtime.stop();
    }
  });
});
