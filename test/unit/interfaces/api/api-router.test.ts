import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import type { ApiRoute } from '../../../../src/interfaces/api/api-route.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { openApiDocument } from '../../../../src/interfaces/api/openapi-document.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';

const tokens = { viewer: 'token-of-the-viewer', operator: 'token-of-the-operator', admin: 'token-of-the-admin' };
const policy = {
  tokens: new ApiTokens(
    Object.entries(tokens).map(([role, token]) => ({ name: `${role}-1`, role: role as 'viewer', sha256: sha256Hex(token) })),
  ),
  openPaths: new Set(['/things/open']),
};

const routes: ApiRoute[] = [
  {
    method: 'get',
    path: '/things/{id}',
    operationId: 'getThing',
    summary: 'a thing',
    tag: 'test',
    access: 'viewer',
    parameters: [
      { name: 'id', in: 'path', description: 'id', schema: { type: 'integer', minimum: 1 } },
      { name: 'limit', in: 'query', description: 'limit', schema: { type: 'integer', maximum: 10, default: 5 } },
    ],
    responses: { 200: { description: 'ok' } },
    handle: ({ params, query, principal }, res) => res.json({ id: params.id, limit: query.limit, who: principal?.name }),
  },
  {
    method: 'post',
    path: '/things',
    operationId: 'makeThing',
    summary: 'make one',
    tag: 'test',
    access: 'operator',
    body: {
      description: 'the thing',
      maxBytes: 200,
      schema: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 } } },
    },
    responses: { 201: { description: 'made' } },
    handle: ({ body }, res) => res.status(201).json(body),
  },
  {
    method: 'get',
    path: '/things/open',
    operationId: 'openThing',
    summary: 'open by policy',
    tag: 'test',
    access: 'viewer',
    responses: { 200: { description: 'ok' } },
    handle: (_request, res) => res.json({ open: true }),
  },
  {
    method: 'post',
    path: '/things/fail',
    operationId: 'failThing',
    summary: 'fails',
    tag: 'test',
    access: 'admin',
    responses: { 200: { description: 'never' } },
    handle: () => {
      throw new HubError('THING_BROKEN', 'the thing is broken', { retriable: true });
    },
  },
];

describe('admin API router', () => {
  let server: http.Server;
  let base: string;
  const call = (method: 'get' | 'post', path: string, options: { token?: string; body?: unknown; raw?: string } = {}) =>
    axios.request({
      method,
      url: `${base}${path}`,
      data: options.raw ?? options.body,
      headers: {
        ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        ...(options.raw ? { 'content-type': 'application/json' } : {}),
      },
      validateStatus: () => true,
    });

  before(async () => {
    const app = express();
    // The open route is declared after the parameterised one on purpose: /things/open must not be read as id "open".
    app.use(apiRouter([routes[2]!, ...routes], policy, createLogger({ level: 'error' })));
    server = http.createServer(app).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => server.close());

  it('answers 401 without a token or with an unknown one, naming the header to send', async () => {
    const none = await call('get', '/things/3');
    expect(none.status).to.equal(401);
    expect(none.headers['www-authenticate']).to.match(/^Bearer/);
    expect(none.data.error.code).to.equal('UNAUTHENTICATED');
    expect((await call('get', '/things/3', { token: 'made-up' })).status).to.equal(401);
  });

  it('answers 403 when the role is too low, and lets higher roles through', async () => {
    const viewer = await call('post', '/things', { token: tokens.viewer, body: { name: 'x' } });
    expect(viewer.status).to.equal(403);
    expect(viewer.data.error.message).to.contain('operator').and.to.contain('viewer-1');
    expect((await call('post', '/things', { token: tokens.operator, body: { name: 'x' } })).status).to.equal(201);
    expect((await call('post', '/things', { token: tokens.admin, body: { name: 'x' } })).status).to.equal(201);
    expect((await call('get', '/things/3', { token: tokens.admin })).data).to.deep.equal({ id: 3, limit: 5, who: 'admin-1' });
  });

  it('validates path, query and body against the declared schemas, coercing parameters and naming every problem', async () => {
    const bad = await call('get', '/things/0?limit=50', { token: tokens.viewer });
    expect(bad.status).to.equal(400);
    expect(bad.data.error.issues).to.deep.equal([
      { in: 'path', path: 'id', message: 'must be >= 1' },
      { in: 'query', path: 'limit', message: 'must be <= 10' },
    ]);
    const body = await call('post', '/things', { token: tokens.operator, body: { nam: 'x' } });
    expect(body.status).to.equal(400);
    // A misspelt field is told by its own name once, in the words config files get, not as a missing field and an extra one.
    expect(body.data.error.issues).to.deep.equal([{ in: 'body', path: 'nam', message: 'unknown key "nam"; did you mean "name"?' }]);
    const empty = await call('post', '/things', { token: tokens.operator, body: { name: '', extra: [1] } });
    expect(empty.data.error.issues).to.deep.equal([
      { in: 'body', path: 'extra', message: 'unknown key "extra"; known keys: name' },
      { in: 'body', path: 'name', message: 'must NOT have fewer than 1 characters' },
    ]);
    expect((await call('post', '/things', { token: tokens.operator, raw: '{"name": ' })).data.error.code).to.equal('BODY_NOT_JSON');
    const big = await call('post', '/things', { token: tokens.operator, body: { name: 'x'.repeat(500) } });
    expect(big.status).to.equal(413);
    expect(big.data.error.code).to.equal('BODY_TOO_LARGE');
  });

  it('opens the routes the policy names, and answers a failing handler with its code (503 when retriable)', async () => {
    expect((await call('get', '/things/open')).data).to.deep.equal({ open: true });
    const failed = await call('post', '/things/fail', { token: tokens.admin });
    expect(failed.status).to.equal(503);
    expect(failed.data.error).to.deep.equal({ code: 'THING_BROKEN', message: 'the thing is broken' });
  });

  it('documents each route with its role, security and 401/403 answers', () => {
    const document = openApiDocument(routes, policy, 'test') as { paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.keys(document.paths).sort()).to.deep.equal(['/things', '/things/fail', '/things/open', '/things/{id}']);
    expect(document.paths['/things']!.post).to.deep.include({ 'x-crm-hub-role': 'operator', security: [{ bearerToken: [] }] });
    expect(Object.keys(document.paths['/things']!.post!.responses as object)).to.include.members(['201', '401', '403']);
    expect(document.paths['/things/open']!.get).to.deep.include({ 'x-crm-hub-role': 'open', security: [] });
    expect(
      (document.paths['/things/{id}']!.get!.parameters as { name: string; required: boolean }[]).map((p) => [p.name, p.required]),
    ).to.deep.equal([
      ['id', true],
      ['limit', false],
    ]);
  });

  it('never accepts a token by its hash', () => {
    expect(policy.tokens.identify(sha256Hex(tokens.admin))).to.equal(undefined);
    expect(policy.tokens.identify(tokens.admin)).to.deep.equal({ name: 'admin-1', role: 'admin' });
  });
});
