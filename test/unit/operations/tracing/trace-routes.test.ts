import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { openApiDocument } from '../../../../src/interfaces/api/openapi-document.js';
import { traceRoutes } from '../../../../src/interfaces/api/trace-routes.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { T0, traceScenario } from './trace-scenario.js';

describe('GET /api/trace', () => {
  const token = 'viewer-token-for-traces';
  const auth = { Authorization: `Bearer ${token}` };
  let server: http.Server;
  let base: string;

  before(async () => {
    const schemas = await SchemaCatalog.load();
    const { kafka, serde } = await traceScenario(schemas);
    const app = express();
    app.use(
      apiRouter(
        traceRoutes({ client: kafka, schemas, serde, resolveCustomer: (key) => (key === 'C1' ? ['P-9'] : []) }),
        { tokens: new ApiTokens([{ name: 'agent', role: 'viewer', sha256: sha256Hex(token) }]), openPaths: new Set() },
        createLogger({ level: 'error' }),
      ),
    );
    server = http.createServer(app).listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const since = new Date(T0 - 60_000).toISOString();
  const get = (params: Record<string, unknown>, headers: Record<string, string> = auth) =>
    axios.get(`${base}/api/trace`, { params, headers, validateStatus: () => true });

  it('needs a viewer token', async () => {
    expect((await get({ correlationId: 'corr-1' }, {})).status).to.equal(401);
  });

  it('traces a correlation id from since on', async () => {
    const response = await get({ correlationId: 'corr-1', since });
    expect(response.status).to.equal(200);
    expect(response.data.hops.map((hop: { topic: string; stage: { kind: string } }) => `${hop.stage.kind} ${hop.topic}`)).to.deep.equal([
      'source crm.customer.v1',
      'flow vip.customer.v1',
      'dead-letter dlq.erp-main',
      'source odd.topic',
    ]);
    expect(response.data.hops[0]).to.not.have.property('value');
  });

  it('traces a customer by key, with values and a limit coerced from the query', async () => {
    const response = await get({ key: 'C1', since, values: 'true', limit: '100' });
    expect(response.status).to.equal(200);
    expect(response.data.query).to.deep.include({ key: 'C1', keys: ['C1', 'P-9'], limit: 100 });
    expect(response.data.hops.map((hop: { key: string }) => hop.key)).to.include('P-9');
    expect(response.data.hops[0].value.fullName).to.equal('张*');
  });

  it('takes since as a span back', async () => {
    const response = await get({ correlationId: 'corr-1', since: '2h' });
    expect(response.status).to.equal(200);
    expect(Date.parse(response.data.query.since)).to.be.closeTo(Date.now() - 7_200_000, 60_000);
  });

  it('answers 400 without anything to look for, with a since that is no time, or a bad limit', async () => {
    const nothing = await get({ since });
    expect(nothing.status).to.equal(400);
    expect(nothing.data.error.code).to.equal('TRACE_QUERY_INVALID');
    const badSince = await get({ correlationId: 'corr-1', since: 'last tuesday' });
    expect(badSince.status).to.equal(400);
    expect(badSince.data.error.message).to.contain('last tuesday');
    expect((await get({ correlationId: 'corr-1', limit: 0 })).data.error.code).to.equal('REQUEST_INVALID');
  });

  it('is documented under the tracing tag', () => {
    const document = openApiDocument(traceRoutes({} as never), { tokens: new ApiTokens([]), openPaths: new Set() }, '1') as {
      paths: Record<string, { get: { tags: string[]; parameters: { name: string }[] } }>;
    };
    const operation = document.paths['/api/trace']!.get;
    expect(operation.tags).to.deep.equal(['tracing']);
    expect(operation.parameters.map((parameter) => parameter.name)).to.deep.equal(['correlationId', 'key', 'since', 'limit', 'values']);
  });
});
