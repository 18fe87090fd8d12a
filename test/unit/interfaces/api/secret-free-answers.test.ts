import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { secretFreeAnswers } from '../../../../src/interfaces/api/secret-free-answers.js';
import { SecretRegistry } from '../../../../src/platform/observability/secret-registry.js';

describe('secret-free answers', () => {
  const secret = 'sk-live-7f3a9c1e5b';
  let server: http.Server;
  let base: string;

  before(async () => {
    const registry = new SecretRegistry();
    registry.register(secret, { username: 'svc' });
    const app = express();
    secretFreeAnswers(app, registry);
    // Routes that know nothing of secrets: whatever they answer is scrubbed on the way out.
    app.get('/json', (_req, res) => {
      res.json({
        lastError: {
          message: `PUT http://svc:${secret}@erp.example.cn/api?token=abc123xyz: HTTP 401 {"youSent":"Basic ${Buffer.from(`svc:${secret}`).toString('base64')}"}`,
        },
        list: [encodeURIComponent(`${secret}/x`), { [secret]: 1 }],
        counts: { offset: 1234567, ok: true },
      });
    });
    app.get('/metrics', (_req, res) => res.set('Content-Type', 'text/plain; version=0.0.4').send(`errors{reason="${secret}"} 1\n`));
    app.get('/asset', (_req, res) => res.set('Content-Type', 'application/javascript').send(Buffer.from('const a = 1;')));
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('scrubs every string and key of a JSON answer and keeps numbers and structure', async () => {
    const answer = await axios.get(`${base}/json`, { responseType: 'text', transformResponse: [(data: unknown) => data] });
    const text = String(answer.data);
    expect(text)
      .not.to.contain(secret)
      .and.not.to.contain('abc123xyz')
      .and.not.to.contain(Buffer.from(`svc:${secret}`).toString('base64'));
    const body = JSON.parse(text) as { lastError: { message: string }; list: [string, Record<string, number>]; counts: unknown };
    expect(body.lastError.message).to.equal(
      'PUT http://[redacted]@erp.example.cn/api?token=[redacted]: HTTP 401 {"youSent":"Basic [redacted]"}',
    );
    expect(body.list).to.deep.equal(['[redacted]%2Fx', { '[redacted]': 1 }]);
    expect(body.counts).to.deep.equal({ offset: 1234567, ok: true });
  });

  it('scrubs text answers and leaves the bytes of static files alone', async () => {
    expect((await axios.get(`${base}/metrics`, { responseType: 'text' })).data).to.equal('errors{reason="[redacted]"} 1\n');
    expect((await axios.get(`${base}/asset`, { responseType: 'text' })).data).to.equal('const a = 1;');
  });
});
