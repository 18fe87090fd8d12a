import { randomUUID } from 'node:crypto';
import type { RecordHeaders } from '../../platform/kafka/kafka-client.js';
import { childTraceparent, newTraceparent } from './traceparent.js';

/** The headers every record the hub writes carries, so that any record can be traced end to end. */
export const HEADER = {
  correlationId: 'correlation-id',
  eventId: 'event-id',
  sourceSystem: 'source-system',
  eventType: 'event-type',
  traceparent: 'traceparent',
  /**
   * Who derived the record from another (`flow:<name>`, `sink:<instance>` for what a delivery
   * brought back); absent on what a source wrote. A trace tells its hops apart by it.
   */
  stage: 'hub-stage',
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
    [HEADER.traceparent]: given?.[HEADER.traceparent] ?? newTraceparent(),
  };
}

/**
 * What a record derived from `cause` takes from it: the correlation id (when it has one) and the
 * trace, continued with a span of the deriving stage's own so that each hop stays distinguishable.
 */
export function derivedTracingHeaders(cause: RecordHeaders, stage: string): RecordHeaders {
  const correlationId = cause[HEADER.correlationId];
  return {
    ...(correlationId === undefined ? {} : { [HEADER.correlationId]: correlationId }),
    [HEADER.traceparent]: childTraceparent(cause[HEADER.traceparent]),
    [HEADER.stage]: stage,
  };
}

/**
 * The headers of a record that `stage` derived from a record with headers `cause`, for its value:
 * what `withTracingHeaders(value, { ...cause, ...derivedTracingHeaders(cause, stage) }, sourceSystem)`
 * gives — the same headers in the same order — built in one object rather than four, since a flow
 * builds them for every record it writes.
 */
export function derivedRecordHeaders(
  value: Record<string, unknown>,
  cause: RecordHeaders,
  stage: string,
  sourceSystem: string,
): RecordHeaders {
  const headers: RecordHeaders = { ...cause };
  headers[HEADER.traceparent] = childTraceparent(cause[HEADER.traceparent]);
  headers[HEADER.stage] = stage;
  const meta = (typeof value.meta === 'object' && value.meta !== null ? value.meta : {}) as Record<string, unknown>;
  headers[HEADER.correlationId] ??= textOf(meta.correlationId) ?? randomUUID();
  headers[HEADER.eventId] ??= textOf(meta.eventId) ?? randomUUID();
  headers[HEADER.sourceSystem] ??= textOf(meta.sourceSystem) ?? sourceSystem;
  headers[HEADER.eventType] ??= textOf(meta.eventType) ?? 'unknown';
  return headers;
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
