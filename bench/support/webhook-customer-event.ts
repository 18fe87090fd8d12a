import { signWebhook, SIGNATURE_HEADER } from '../../src/connect/sdk/webhook-signature.js';
import { variedCustomer } from './varied-customer.js';

/** One signed webhook request: the exact body bytes and the headers that go with them. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * Varied ACTIVE customers (so that every one passes a flow's status filter), made once: building a
 * customer costs more than sending it, and the load generator must spend its time sending.
 */
export function activeCustomerPool(size: number): Record<string, unknown>[] {
  const pool: Record<string, unknown>[] = [];
  for (let index = 0; pool.length < size; index++) {
    const customer = variedCustomer(index);
    if (customer.status === 'ACTIVE') pool.push(customer);
  }
  return pool;
}

/**
 * The body an http-source instance takes as one item: the customer with the webhook's `eventId`
 * beside its fields. The event id is new for every request (the webhook answers a repeated id
 * with `duplicate` and produces nothing), and it is also the record's `meta.eventId`, so that
 * whatever comes out of the hub's far end says which request it came from. `meta.occurredAt`
 * carries the send time (milliseconds, as Avro's timestamp-millis keeps it).
 */
export function webhookCustomerEvent(customer: Record<string, unknown>, eventId: string, sentAtMs: number): string {
  const meta = { ...(customer.meta as Record<string, unknown>), eventId, occurredAt: new Date(sentAtMs).toISOString() };
  return JSON.stringify({ eventId, ...customer, meta });
}

/** Signed as a sending system would sign it: a fresh timestamp and HMAC for every request. */
export function signedRequest(body: string, secret: string): SignedRequest {
  return { body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, body) } };
}
