import { randomBytes, randomUUID } from 'node:crypto';
import type { RecordHeaders } from '../kafka/kafka-client.js';

/** The headers every record the hub writes carries, so that any record can be traced end to end. */
export const HEADER = {
  correlationId: 'correlation-id',
  eventId: 'event-id',
  sourceSystem: 'source-system',
  eventType: 'event-type',
  traceparent: 'traceparent',
} as const;

/**
 * Fills in what a source left out: ids from the record's `meta` when it has one (the canonical
 * schemas do), else new ones; a W3C traceparent that starts a trace here unless one came in.
 */
export function withTracingHeaders(value: Record<string, unknown>, given: RecordHeaders | undefined, sourceSystem: string): RecordHeaders {
  const meta = (typeof value.meta === 'object' && value.meta !== null ? value.meta : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    ...given,
    [HEADER.correlationId]: given?.[HEADER.correlationId] ?? text(meta.correlationId) ?? randomUUID(),
    [HEADER.eventId]: given?.[HEADER.eventId] ?? text(meta.eventId) ?? randomUUID(),
    [HEADER.sourceSystem]: given?.[HEADER.sourceSystem] ?? text(meta.sourceSystem) ?? sourceSystem,
    [HEADER.eventType]: given?.[HEADER.eventType] ?? text(meta.eventType) ?? 'unknown',
    [HEADER.traceparent]: given?.[HEADER.traceparent] ?? `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
  };
}
