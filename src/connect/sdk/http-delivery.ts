import { deliveryErrorFromHttp } from './http-failure-classifier.js';
import type { DeliveryOutcome, SinkRecord } from './connector-definition.js';

/**
 * What a sink's HTTP call came to, as the runtime wants it: delivered once the call resolved, else
 * failed with the error classified (5xx, 429 and timeouts retriable; other 4xx dead-lettered) and
 * `what` (e.g. `PUT /api/customers/C1/flags/VIP`) naming the request in the reason.
 */
export async function deliveredUnlessFailed(what: string, call: () => Promise<unknown>): Promise<DeliveryOutcome> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: deliveryErrorFromHttp(error, what) };
  }
}

/**
 * A key the receiving system can drop repeats by: the record's place in Kafka, which a redelivery
 * keeps. `parts` tell several requests made for one record apart (one per target, per step).
 */
export function recordIdempotencyKey(record: SinkRecord, ...parts: string[]): string {
  return [record.topic, String(record.partition), record.offset, ...parts].join('-');
}
