import http from 'node:http';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { percentileSummary, type PercentileSummary } from './percentile-summary.js';
import { activeCustomerPool, signedRequest, webhookCustomerEvent } from './webhook-customer-event.js';

export interface PacedSettings {
  url: string;
  ratePerSecond: number;
  seconds: number;
  secret: string;
  /** Event ids are `<prefix>.<n>`; whatever the hub delivers downstream carries the id, so the prefix names the run. */
  eventIdPrefix: string;
  /**
   * Requests awaiting their answer at most. A server that cannot keep up would otherwise face an
   * ever longer queue; at the cap requests wait for a free slot (and are sent late), and sending
   * stops at the end of `seconds` whatever is left, so the achieved rate tells what it sustained.
   */
  maxInFlight: number;
  /** What the schedule runs on (when each request is due, the end of sending); the system clock unless a test gives its own. Latencies are measured on performance.now() all the same. */
  clock?: Clock;
}

export interface PacedResult {
  sent: number;
  /** Requests the schedule had due by its end that were never sent: the in-flight cap held them back. */
  notSent: number;
  /** Requests sent again because the first try got no answer (the event id makes that safe). */
  resent: number;
  /** Answers 200 `accepted`: the broker acknowledged the record. */
  accepted: number;
  failed: number;
  /** Answers by status code (`error` for a request that got none). */
  statuses: Record<string, number>;
  /** From the first request sent to the last answer received. */
  seconds: number;
  /** Requests sent per second over the sending window (the generator's own rate). */
  sentPerSecond: number;
  /** Accepted requests per second from the first send to the last answer: what the hub took. */
  acceptedPerSecond: number;
  /** From the request sent to the answer read, accepted requests only, in milliseconds. */
  ack: PercentileSummary;
}

/** Tries of a request that gets no answer at all, the first included. */
const SEND_ATTEMPTS = 3;

/**
 * Open-loop load at a fixed rate: request n is sent at n / rate seconds after the start, whether
 * or not earlier ones were answered (a closed loop would slow down with the server and hide its
 * queueing). The schedule is caught up every millisecond, so requests leave at most a millisecond
 * late and in small groups, not in a burst per second as autocannon's rate limit sends them.
 * Latency runs from the moment a request is really sent; with `maxInFlight` reached that is after
 * its scheduled time, which is why `notSent` and the achieved rate must be read with it.
 */
export async function paced(settings: PacedSettings): Promise<PacedResult> {
  const pool = activeCustomerPool(1000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const total = Math.max(1, Math.round(settings.ratePerSecond * settings.seconds));
  const statuses: Record<string, number> = {};
  const ackMs: number[] = [];
  const answers: Promise<void>[] = [];
  let lastAnswer = 0;
  let sent = 0;
  let resent = 0;

  const send = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const { body, headers } = signedRequest(
        webhookCustomerEvent(pool[index % pool.length] as Record<string, unknown>, `${settings.eventIdPrefix}.${index}`, Date.now()),
        settings.secret,
      );
      const started = performance.now();
      const settle = (status: string, accepted: boolean) => {
        lastAnswer = performance.now();
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (accepted) ackMs.push(lastAnswer - started);
        resolve();
      };
      const attempt = (tries: number) => {
        const request = http.request(
          settings.url,
          { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: 120_000 },
          (response) => {
            let text = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => (text += chunk));
            // A resent event the hub had taken the first time is answered `duplicate`: it was accepted all the same.
            response.on('end', () =>
              settle(
                String(response.statusCode),
                response.statusCode === 200 && (text.includes('"accepted"') || (tries > 1 && text.includes('"duplicate"'))),
              ),
            );
            response.on('error', () => settle('error', false));
          },
        );
        request.on('timeout', () => request.destroy());
        request.on('error', () => {
          // No answer at all (typically a keep-alive connection the server closed as it was reused):
          // a sender sends again, which the event id makes safe. Latency still counts from the first try.
          if (tries >= SEND_ATTEMPTS) return settle('error', false);
          resent++;
          attempt(tries + 1);
        });
        request.end(body);
      };
      attempt(1);
    });

  let inFlight = 0;
  const first = performance.now();
  const clock = settings.clock ?? systemClock;
  const start = clock.now();
  const end = start + settings.seconds * 1000;
  for (;;) {
    const now = clock.now();
    const due = Math.min(total, Math.floor(((now - start) * settings.ratePerSecond) / 1000) + 1);
    while (sent < due && inFlight < settings.maxInFlight) {
      inFlight++;
      answers.push(send(sent++).finally(() => inFlight--));
    }
    if (sent >= total || now >= end) break;
    await clock.sleep(1);
  }
  const lastSent = performance.now();
  await Promise.all(answers);
  agent.destroy();
  const seconds = (lastAnswer - first) / 1000;
  return {
    sent,
    notSent: total - sent,
    resent,
    accepted: ackMs.length,
    failed: sent - ackMs.length,
    statuses,
    seconds,
    sentPerSecond: sent / Math.max((lastSent - first) / 1000, 1 / settings.ratePerSecond),
    acceptedPerSecond: ackMs.length / seconds,
    ack: percentileSummary(ackMs),
  };
}
