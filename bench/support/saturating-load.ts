import autocannon from 'autocannon';
import { activeCustomerPool, signedRequest, webhookCustomerEvent } from './webhook-customer-event.js';

export interface SaturationSettings {
  /** The webhook URL to POST to. */
  url: string;
  /** Requests in flight at once: each connection sends its next request when its answer came. */
  connections: number;
  seconds: number;
  /** The instance's HMAC key. */
  secret: string;
  /** Event ids are `<prefix>.<n>`: a prefix per run keeps every run's events new to the webhook. */
  eventIdPrefix: string;
}

export interface SaturationResult {
  /** Answers 2xx whose body said `accepted` (a `duplicate` would mean nothing was produced). */
  accepted: number;
  /** Requests written, answered or not (those in flight when the run stopped are never answered). */
  sent: number;
  seconds: number;
  perSecond: number;
  /** Of accepted requests, from the request written to the answer read, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
}

/**
 * autocannon POSTing signed customer events as fast as `connections` closed loops allow. Every
 * request gets its own event id and a signature over its own bytes (built in `setupRequest`, just
 * before it is written), so nothing is short-circuited as a duplicate.
 */
export async function saturate(settings: SaturationSettings): Promise<SaturationResult> {
  const pool = activeCustomerPool(1000);
  let next = 0;
  const result = await autocannon({
    url: settings.url,
    connections: settings.connections,
    duration: settings.seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const index = next++;
          const signed = signedRequest(
            webhookCustomerEvent(pool[index % pool.length] as Record<string, unknown>, `${settings.eventIdPrefix}.${index}`, Date.now()),
            settings.secret,
          );
          return { ...request, body: signed.body, headers: { ...request.headers, ...signed.headers } };
        },
      },
    ],
    verifyBody: (body) => typeof body === 'string' && body.includes('"accepted"'),
  });
  const accepted = result['2xx'] - result.mismatches;
  return {
    accepted,
    sent: result.requests.sent,
    seconds: result.duration,
    perSecond: accepted / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
  };
}
