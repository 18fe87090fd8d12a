import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { describeError } from '../../../src/core/hub-error.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../../src/connect/sdk/webhook-signature.js';
import { sendWebhook } from '../../../src/demo/webhook-sender.js';

interface Delivery {
  rawBody: Buffer;
  headers: http.IncomingHttpHeaders;
}

describe('sendWebhook', () => {
  const secret = 'whsec-test';
  let receiver: http.Server;
  let url: string;
  let deliveries: Delivery[];

  // The receiver checks signatures with the hub's own verifier, so a pass means the hub would accept it.
  beforeEach(async () => {
    deliveries = [];
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const delivery = { rawBody: Buffer.concat(chunks), headers: req.headers };
        deliveries.push(delivery);
        if (req.url === '/broken')
          return res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"INTERNAL_ERROR"}}');
        try {
          verifyWebhookSignature(secret, delivery.rawBody, req.headers[SIGNATURE_HEADER] as string | undefined, 300);
          res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
        } catch (error) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: describeError(error).code } }));
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('posts JSON signed over exactly the bytes it sends, with extra headers', async () => {
    const event = { type: 'claim.updated', claimNumber: 'CL-1', note: '车辆 定损 完成' };
    const response = await sendWebhook(`${url}/hooks/claims`, event, { secret, headers: { 'x-source': 'claims' } });
    expect(response).to.deep.equal({ status: 202, body: { accepted: true } });
    const [delivery] = deliveries;
    expect(delivery?.rawBody.toString('utf8')).to.equal(JSON.stringify(event));
    expect(delivery?.headers).to.include({ 'content-type': 'application/json', 'x-source': 'claims' });
    expect(delivery?.headers[SIGNATURE_HEADER]).to.match(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('sends a Buffer byte for byte, signed', async () => {
    const raw = Buffer.from('{"claimNumber": "CL-1",');
    expect((await sendWebhook(url, raw, { secret })).status).to.equal(202);
    expect(deliveries[0]?.rawBody.equals(raw)).to.equal(true);
  });

  it('returns refusals and server errors instead of throwing', async () => {
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    expect(await sendWebhook(url, { a: 1 }, { secret, timestamp: hourAgo })).to.deep.equal({
      status: 401,
      body: { error: { code: 'SIGNATURE_EXPIRED' } },
    });
    expect((await sendWebhook(url, { a: 1 })).body).to.deep.equal({ error: { code: 'SIGNATURE_MISSING' } });
    expect((await sendWebhook(url, { a: 1 }, { secret: 'other' })).body).to.deep.equal({ error: { code: 'SIGNATURE_MISMATCH' } });
    expect((await sendWebhook(url, { a: 1 }, { secret, headers: { [SIGNATURE_HEADER]: 'garbage' } })).body).to.deep.equal({
      error: { code: 'SIGNATURE_MALFORMED' },
    });
    expect((await sendWebhook(`${url}/broken`, { a: 1 }, { secret })).status).to.equal(500);
  });
});
