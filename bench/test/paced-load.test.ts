import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/connect/sdk/webhook-signature.js';
import { paced } from '../support/paced-load.js';
import { InstantClock } from '../../test/support/instant-clock.js';

interface Receiver {
  url: string;
  eventIds: string[];
  /** Answers held back until `release`. */
  held: (() => void)[];
  close(): Promise<void>;
}

/** A webhook stand-in that checks each signature and answers as the hub's webhook does. */
async function receiver(options: { hold?: boolean } = {}): Promise<Receiver> {
  const eventIds: string[] = [];
  const held: (() => void)[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const answer = () => {
        try {
          verifyWebhookSignature('secret', raw, request.headers[SIGNATURE_HEADER] as string | undefined, 300);
        } catch {
          response.writeHead(401).end('{"error":"signature"}');
          return;
        }
        const eventId = (JSON.parse(raw.toString()) as { eventId: string }).eventId;
        eventIds.push(eventId);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'accepted', eventId }));
      };
      if (options.hold) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/x`,
    eventIds,
    held,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('paced load', () => {
  it('sends rate × seconds signed requests with distinct event ids and counts the accepted answers', async () => {
    const server = await receiver();
    const clock = new InstantClock();
    try {
      const result = await paced({
        url: server.url,
        ratePerSecond: 100,
        seconds: 0.3,
        secret: 'secret',
        eventIdPrefix: 'run-a',
        maxInFlight: 50,
        clock,
      });
      expect(result).to.deep.include({ sent: 30, notSent: 0, accepted: 30, failed: 0, statuses: { 200: 30 } });
      // Request n is due at n / rate: the 30th at 290 ms, not at once.
      expect(clock.now()).to.equal(290);
      expect(result.ack.count).to.equal(30);
      expect(new Set(server.eventIds)).to.deep.equal(new Set(Array.from({ length: 30 }, (_, i) => `run-a.${i}`)));
    } finally {
      await server.close();
    }
  });

  it('holds back what the in-flight cap does not let out, and stops sending at the end of its time', async () => {
    const server = await receiver({ hold: true });
    const clock = new InstantClock();
    try {
      const running = paced({
        url: server.url,
        ratePerSecond: 1000,
        seconds: 0.2,
        secret: 'secret',
        eventIdPrefix: 'run-b',
        maxInFlight: 5,
        clock,
      });
      // The clock runs out its 200 ms while the five requests in flight are held, unanswered.
      for (let turn = 0; turn < 2000 && server.held.length < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(clock.now()).to.equal(200);
      server.held.splice(0).forEach((answer) => answer());
      const result = await running;
      expect(result).to.deep.include({ sent: 5, notSent: 195, accepted: 5, failed: 0 });
    } finally {
      await server.close();
    }
  });

  it('sends again what got no answer, and takes `duplicate` for an event the first try delivered', async () => {
    const seen = new Set<string>();
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const eventId = (JSON.parse(Buffer.concat(chunks).toString()) as { eventId: string }).eventId;
        // The first try is taken and its connection dropped before the answer, as a crash or a closed keep-alive would.
        if (!seen.has(eventId)) {
          seen.add(eventId);
          request.socket.destroy();
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'duplicate', eventId }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/x`;
      const result = await paced({
        url,
        ratePerSecond: 50,
        seconds: 0.2,
        secret: 'secret',
        eventIdPrefix: 'run-d',
        maxInFlight: 10,
        clock: new InstantClock(),
      });
      expect(result).to.deep.include({ sent: 10, resent: 10, accepted: 10, failed: 0 });
      expect(seen.size).to.equal(10);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts answers other than 200 accepted as failed, by status', async () => {
    const server = await receiver();
    try {
      const result = await paced({
        url: server.url,
        ratePerSecond: 50,
        seconds: 0.1,
        secret: 'wrong',
        eventIdPrefix: 'run-c',
        maxInFlight: 10,
        clock: new InstantClock(),
      });
      expect(result).to.deep.include({ sent: 5, accepted: 0, failed: 5, statuses: { 401: 5 } });
    } finally {
      await server.close();
    }
  });
});
