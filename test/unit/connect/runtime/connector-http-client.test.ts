import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createConnectorHttpClient, hostAllowed } from '../../../../src/connect/runtime/connector-http-client.js';
import { isNonPublicAddress } from '../../../../src/connect/runtime/outbound-address-policy.js';

describe('connector HTTP client', () => {
  it('matches exact hosts and *.suffix patterns only', () => {
    expect(hostAllowed('erp.example.com', ['erp.example.com'])).to.equal(true);
    expect(hostAllowed('ERP.example.com.', ['erp.example.com'])).to.equal(true);
    expect(hostAllowed('erp.example.com.evil.io', ['erp.example.com'])).to.equal(false);
    expect(hostAllowed('a.example.com', ['*.example.com'])).to.equal(true);
    expect(hostAllowed('example.com', ['*.example.com'])).to.equal(false);
    expect(hostAllowed('badexample.com', ['*.example.com'])).to.equal(false);
  });

  it('tells public addresses from loopback, private, link-local, CGNAT and mapped ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd12::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ]) {
      expect(isNonPublicAddress(address), address).to.equal(true);
    }
    for (const address of ['8.8.8.8', '203.0.113.9', '2001:4860:4860::8888', '::ffff:8.8.8.8', '172.32.0.1'])
      expect(isNonPublicAddress(address), address).to.equal(false);
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

    it('refuses a name on the list that resolves to loopback (no SSRF through DNS), at connect time and on redirects', async () => {
      const named = createConnectorHttpClient({ allowedHosts: ['localhost'] });
      const error = (await named.get(`http://localhost:${port}/ok`).catch((e: unknown) => e)) as {
        code?: string;
        retriable?: boolean;
        message: string;
      };
      expect(error).to.include({ code: 'ADDRESS_NOT_ALLOWED', retriable: false });
      expect(error.message).to.contain('allowPrivateNetworks');
      const redirected = createConnectorHttpClient({ allowedHosts: ['127.0.0.1', 'localhost'] });
      const viaRedirect = await redirected.get(`http://127.0.0.1:${port}/redirect-out`).catch((e: { code?: string }) => e);
      expect(viaRedirect).to.include({ code: 'ADDRESS_NOT_ALLOWED' });
      // An instance that says its back office is on the internal network may reach it by name.
      const internal = createConnectorHttpClient({ allowedHosts: ['localhost'], allowPrivateNetworks: true });
      expect((await internal.get(`http://localhost:${port}/ok`)).data).to.deep.equal({ ok: true });
    });

    it('always sets a timeout', () => {
      expect(createConnectorHttpClient({}).defaults.timeout).to.equal(10_000);
    });
  });
});
