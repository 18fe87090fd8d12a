import { expect } from 'chai';
import axios from 'axios';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { deliveryErrorFromHttp } from '../../../../src/connect/sdk/http-failure-classifier.js';
import { DeliveryError } from '../../../../src/connect/sdk/delivery-error.js';
import { registerSecret } from '../../../../src/platform/observability/secret-registry.js';
import { randomUUID } from 'node:crypto';

describe('deliveryErrorFromHttp', () => {
  let server: http.Server;
  let base: string;
  before(async () => {
    const app = express();
    app.get('/status/:code', (req, res) => {
      if (req.query.retryAfter) res.set('Retry-After', String(req.query.retryAfter));
      res.status(Number(req.params.code)).json({ error: { message: `answer ${req.params.code}` } });
    });
    app.get('/slow', () => undefined); // never answers
    // A careless API: refuses with 401 and quotes what it was sent, plain, base64 and URL-encoded.
    app.get('/echo', (req, res) => {
      const basic = (req.headers.authorization ?? '').replace(/^Basic /, '');
      res.status(401).json({
        youSent: req.headers.authorization,
        credentials: basic,
        decoded: Buffer.from(basic, 'base64').toString(),
        query: req.originalUrl,
      });
    });
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const failureOf = async (url: string, timeout = 5000) =>
    deliveryErrorFromHttp(await axios.get(url, { timeout }).catch((e: unknown) => e), `GET ${url}`) as DeliveryError;

  it('retries 408, 429 and 5xx; not other 4xx', async () => {
    for (const [status, retriable] of [
      [400, false],
      [401, false],
      [404, false],
      [409, false],
      [422, false],
      [408, true],
      [429, true],
      [500, true],
      [502, true],
      [503, true],
    ] as const) {
      const error = await failureOf(`${base}/status/${status}`);
      expect(error.code, String(status)).to.equal(`HTTP_${status}`);
      expect(error.retriable, String(status)).to.equal(retriable);
      expect(error.status).to.equal(status);
      expect(error.message).to.contain(`answer ${status}`);
    }
  });

  it('carries Retry-After in milliseconds', async () => {
    expect((await failureOf(`${base}/status/429?retryAfter=7`)).retryAfterMs).to.equal(7000);
  });

  it('treats refused connections and timeouts as retriable', async () => {
    const refused = await failureOf('http://127.0.0.1:1/');
    expect(refused.code).to.equal('HTTP_UNREACHABLE');
    expect(refused.retriable).to.equal(true);
    const slow = await failureOf(`${base}/slow`, 200);
    expect(slow.code).to.equal('HTTP_TIMEOUT');
    expect(slow.retriable).to.equal(true);
  });

  it('names the failed request without its user info, credential query parameters or registered secrets, also when the answer quotes them encoded', async () => {
    const password = `pw-${randomUUID()}`;
    const tenant = `tenant-${randomUUID()}`;
    // As the config loader does: the password (a URL's), and a ${ENV} value in a query parameter of no telling name.
    registerSecret(password, { username: 'hub' });
    registerSecret(tenant);
    const url = `${base.replace('://', `://hub:${password}@`)}/echo?token=tk-${randomUUID()}&tenant=${encodeURIComponent(tenant)}`;
    const error = await failureOf(url);
    expect(error.code).to.equal('HTTP_401');
    for (const leak of [password, tenant, 'tk-', Buffer.from(`hub:${password}`).toString('base64'), encodeURIComponent(tenant)])
      expect(error.message).not.to.contain(leak);
    expect(error.message).to.contain('/echo?token=[redacted]&tenant=[redacted]').and.to.contain('HTTP 401');
  });
});
