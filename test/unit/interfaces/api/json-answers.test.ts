import axios, { type Method } from 'axios';
import { expect } from 'chai';
import express from 'express';
import { HubHttpServer } from '../../../../src/interfaces/api/http-server.js';
import { ApiTokens } from '../../../../src/interfaces/api/api-tokens.js';
import type { ApiRoute } from '../../../../src/interfaces/api/api-route.js';
import { createWebhookRouter } from '../../../../src/connect/runtime/webhook-router.js';
import { capturedLogger } from '../../platform/observability/log-capture.js';

/** A declared route with a path parameter and a JSON body, as the admin API's are. */
const THING_ROUTES: ApiRoute[] = [
  {
    method: 'put',
    path: '/things/{id}',
    operationId: 'putThing',
    summary: 'for tests',
    tag: 'test',
    access: 'open',
    parameters: [{ name: 'id', in: 'path', required: true, description: 'which thing', schema: { type: 'string' } }],
    body: { schema: { type: 'object' }, description: 'anything' },
    responses: { 200: { description: 'ok' } },
    handle: (_request, res) => res.json({ ok: true }),
  },
];

describe('the HTTP server answers JSON, never HTML', () => {
  let server: HubHttpServer;
  let base: string;
  let logged: () => Promise<string>;

  before(async () => {
    const capture = capturedLogger({ level: 'error' });
    logged = capture.text;
    server = new HubHttpServer(capture.logger, { tokens: new ApiTokens([]), openPaths: new Set(['/health', '/ready', '/metrics']) });
    // As the hub mounts them before it listens: orders-in is configured and still starting.
    server.mount(
      createWebhookRouter((name) => (name === 'orders-in' ? { state: 'not-ready', reason: 'orders-in is starting' } : undefined)),
    );
    const failing = express.Router();
    failing.get('/boom', () => {
      throw new Error('internal detail: password=hunter2');
    });
    server.mount(failing);
    server.addRoutes(THING_ROUTES);
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  after(() => server.close());

  const send = (method: Method, path: string, data?: string, headers: Record<string, string> = {}) =>
    axios.request({
      method,
      url: `${base}${path}`,
      data,
      headers: { 'content-type': 'application/json', ...headers },
      validateStatus: () => true,
      transformRequest: [(body: unknown) => body],
      responseType: 'text',
      transformResponse: [(body: unknown) => body],
    });

  it('a configured push source that is not ready: 503 with Retry-After; an unknown one: 404', async () => {
    const starting = await send('post', '/webhooks/orders-in', '{"eventId":"e1"}');
    expect(starting.status).to.equal(503);
    expect(starting.headers['retry-after']).to.equal('5');
    expect(JSON.parse(starting.data).error).to.deep.equal({
      code: 'WEBHOOK_NOT_READY',
      message: 'orders-in is starting; send again in 5 s',
    });
    const unknown = await send('post', '/webhooks/nobody', '{}');
    expect([unknown.status, JSON.parse(unknown.data).error.code]).to.deep.equal([404, 'WEBHOOK_UNKNOWN']);
  });

  it('an unknown route is a JSON 404; a known path with another method a JSON 405 with Allow', async () => {
    const missing = await send('get', '/api/nothing-here');
    expect(missing.status).to.equal(404);
    expect(JSON.parse(missing.data).error.code).to.equal('ROUTE_UNKNOWN');
    const health = await send('delete', '/health');
    expect([health.status, health.headers.allow, JSON.parse(health.data).error.code]).to.deep.equal([
      405,
      'GET, HEAD',
      'METHOD_NOT_ALLOWED',
    ]);
    const thing = await send('get', '/things/42');
    expect([thing.status, thing.headers.allow]).to.deep.equal([405, 'PUT']);
    const webhook = await send('get', '/webhooks/orders-in');
    expect([webhook.status, webhook.headers.allow]).to.deep.equal([405, 'POST']);
  });

  it("a malformed body, a bad path encoding and a failing handler are JSON errors; the handler's details stay in the log", async () => {
    const malformed = await send('put', '/things/42', '{"unclosed":');
    expect([malformed.status, JSON.parse(malformed.data).error.code]).to.deep.equal([400, 'BODY_NOT_JSON']);
    const encoding = await send('put', '/things/%E0%A4%A', '{}');
    expect(encoding.status).to.equal(400);
    expect(JSON.parse(encoding.data).error.code).to.be.a('string');
    const failed = await send('get', '/boom');
    expect(failed.status).to.equal(500);
    expect(JSON.parse(failed.data).error.code).to.equal('INTERNAL_ERROR');
    expect(failed.data).not.to.contain('hunter2');
    expect(await logged()).to.contain('GET /boom failed');
  });

  it('no spread of paths and methods gets text/html back', async () => {
    const methods: Method[] = ['get', 'post', 'put', 'delete', 'patch', 'options', 'head'];
    const paths = [
      '/',
      '/health',
      '/ready',
      '/openapi.json',
      '/webhooks/orders-in',
      '/webhooks/nobody',
      '/webhooks/',
      '/webhooks/orders-in/extra',
      '/api/status',
      '/api/connectors/x/pause',
      '/things/1',
      '/things/%ZZ',
      '/%',
      '/dashboard/../etc/passwd',
      '/boom',
    ];
    const bodies = [undefined, '{"unclosed":', '{}'];
    const html: string[] = [];
    for (const path of paths) {
      for (const method of methods) {
        for (const body of bodies) {
          const response = await send(method, path, body);
          const type = String(response.headers['content-type'] ?? '');
          if (type.includes('text/html') || /<html|<pre>|<!DOCTYPE/i.test(String(response.data ?? '')))
            html.push(`${method.toUpperCase()} ${path} ${body ?? ''} -> ${response.status} ${type}`);
          if (response.status >= 400 && method !== 'head' && method !== 'options')
            expect(type, `${method} ${path}`).to.match(/^application\/json/);
        }
      }
    }
    expect(html).to.deep.equal([]);
  });
});
