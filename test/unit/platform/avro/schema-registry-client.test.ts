import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { SchemaRegistryRequestError, SchemaRegistryUnavailableError } from '../../../../src/platform/avro/schema-registry-errors.js';

/** A small Confluent-API server that answers like a registry in trouble, per path. */
function startRegistryServer(): Promise<{ url: string; server: http.Server; seenAuth: string[] }> {
  const app = express();
  const seenAuth: string[] = [];
  app.use(express.json({ type: () => true }));
  app.use((req, _res, next) => {
    seenAuth.push(req.headers.authorization ?? '');
    next();
  });
  app.get('/schemas/ids/:id', (req, res) => {
    if (req.params.id === '1') res.json({ schema: '"string"' });
    else res.status(404).json({ error_code: 40403, message: `Schema ${req.params.id} not found` });
  });
  app.post('/subjects/:subject/versions', (req, res) => {
    if (req.params.subject === 'busy-value') res.status(503).send('overloaded');
    else if (req.params.subject === 'slow-value') res.status(408).send('request timeout');
    else if (req.params.subject === 'strict-value')
      res.status(409).json({ error_code: 409, message: 'Schema being registered is incompatible with an earlier schema' });
    else res.json({ id: 7 });
  });
  app.post('/subjects/:subject', (_req, res) => res.status(404).json({ error_code: 40401, message: 'Subject not found' }));
  app.get('/config', (_req, res) => res.json({ compatibilityLevel: 'FULL' }));
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seenAuth }),
    );
  });
}

describe('SchemaRegistryClient', () => {
  let registry: Awaited<ReturnType<typeof startRegistryServer>>;
  before(async () => {
    registry = await startRegistryServer();
  });
  after(() => registry.server.close());

  it('registers, fetches by id and reads the compatibility level', async () => {
    const client = new SchemaRegistryClient(registry.url);
    expect(await client.register('crm.customer.v1-value', '"string"')).to.equal(7);
    expect(await client.schemaById(1)).to.equal('"string"');
    expect(await client.compatibility()).to.equal('FULL');
  });

  it('maps 404 to SCHEMA_NOT_FOUND (not retriable) and returns undefined from lookup', async () => {
    const client = new SchemaRegistryClient(registry.url);
    const error = await client.schemaById(99).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SchemaRegistryRequestError);
    expect((error as SchemaRegistryRequestError).code).to.equal('SCHEMA_NOT_FOUND');
    expect((error as SchemaRegistryRequestError).retriable).to.equal(false);
    expect((error as SchemaRegistryRequestError).message).to.contain('Schema 99 not found');
    expect(await client.lookup('x-value', '"int"')).to.equal(undefined);
  });

  it('maps 409 to SCHEMA_INCOMPATIBLE and 5xx to a retriable SCHEMA_REGISTRY_UNAVAILABLE', async () => {
    const client = new SchemaRegistryClient(registry.url);
    const incompatible = await client.register('strict-value', '"int"').catch((e: unknown) => e);
    expect((incompatible as SchemaRegistryRequestError).code).to.equal('SCHEMA_INCOMPATIBLE');
    const busy = await client.register('busy-value', '"int"').catch((e: unknown) => e);
    expect(busy).to.be.instanceOf(SchemaRegistryUnavailableError);
    expect((busy as SchemaRegistryUnavailableError).retriable).to.equal(true);
  });

  it('takes 408 for passing, as every HTTP client of the hub does', async () => {
    const client = new SchemaRegistryClient(registry.url);
    const slow = (await client.register('slow-value', '"int"').catch((e: unknown) => e)) as SchemaRegistryUnavailableError;
    expect(slow.code).to.equal('SCHEMA_REGISTRY_UNAVAILABLE');
    expect(slow.retriable).to.equal(true);
    expect(slow.message).to.contain('answered 408').and.to.contain('request timeout');
  });

  it('reports an unreachable registry as retriable, naming the URL', async () => {
    const client = new SchemaRegistryClient('http://127.0.0.1:1', { timeoutMs: 2000 });
    const error = (await client.subjects().catch((e: unknown) => e)) as SchemaRegistryUnavailableError;
    expect(error.code).to.equal('SCHEMA_REGISTRY_UNAVAILABLE');
    expect(error.retriable).to.equal(true);
    expect(error.message).to.contain('http://127.0.0.1:1');
  });

  it('sends credentials from the URL as basic auth but never shows them', async () => {
    const [scheme, rest] = registry.url.split('//');
    const client = new SchemaRegistryClient(`${scheme}//svc-hub:s%3Dcret@${rest}`);
    expect(client.url).to.equal(registry.url);
    await client.schemaById(1);
    expect(registry.seenAuth.at(-1)).to.equal(`Basic ${Buffer.from('svc-hub:s=cret').toString('base64')}`);
    const error = (await client.schemaById(5).catch((e: unknown) => e)) as Error;
    expect(error.message).not.to.contain('s=cret').and.not.to.contain('s%3Dcret');
  });
});
