import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createConnectorHttpClient, hostAllowed } from '../../../src/runtime/connector-http-client.js';

describe('connector HTTP client', () => {
  it('matches exact hosts and *.suffix patterns only', () => {
    expect(hostAllowed('erp.example.com', ['erp.example.com'])).to.equal(true);
    expect(hostAllowed('ERP.example.com.', ['erp.example.com'])).to.equal(true);
    expect(hostAllowed('erp.example.com.evil.io', ['erp.example.com'])).to.equal(false);
    expect(hostAllowed('a.example.com', ['*.example.com'])).to.equal(true);
    expect(hostAllowed('example.com', ['*.example.com'])).to.equal(false);
    expect(hostAllowed('badexample.com', ['*.example.com'])).to.equal(false);
  });

  describe('against a real server', () => {
    let server: http.Server;
    let port: number;
    before(async () => {
      const app = express();
      app.get('/ok', (_req, res) => res.json({ ok: true }));
      app.get('/redirect-out', (_req, res) => res.redirect(302, `http://localhost:${port}/ok`));
      await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
      port = (server.address() as AddressInfo).port;
    });
    after(() => server.close());

    it('reaches an allowed host', async () => {
      const client = createConnectorHttpClient({ allowedHosts: ['127.0.0.1'] });
      expect((await client.get(`http://127.0.0.1:${port}/ok`)).data).to.deep.equal({ ok: true });
    });

    it('refuses a host not on the list before sending anything', async () => {
      const client = createConnectorHttpClient({ allowedHosts: ['erp.example.com'] });
      const error = await client.get(`http://127.0.0.1:${port}/ok`).catch((e: { code?: string; retriable?: boolean }) => e);
      expect(error).to.include({ code: 'HOST_NOT_ALLOWED', retriable: false });
    });

    it('refuses a redirect to a host not on the list', async () => {
      const client = createConnectorHttpClient({ allowedHosts: ['127.0.0.1'] });
      const error = (await client.get(`http://127.0.0.1:${port}/redirect-out`).catch((e: unknown) => e)) as Error & { code?: string };
      expect(error.message).to.contain('localhost').and.to.contain('allow-list');
    });

    it('always sets a timeout', () => {
      expect(createConnectorHttpClient({}).defaults.timeout).to.equal(10_000);
    });
  });
});
