import type { IncomingRecord } from '../../platform/kafka/kafka-client.js';
import { maskPersonalPatterns } from '../../platform/observability/pii-masking.js';
import { HEADER } from '../../platform/headers/record-headers.js';
import { stageOf, type HopStage } from './hop-stage.js';
import { parseTraceparent } from '../../platform/headers/traceparent.js';

/** Why a record belongs to a trace. */
export type TraceMatch = 'correlation-id' | 'key';

/** One record of a trace: where it is, when it was written, by which stage, and what it carries. */
export interface TraceHop {
  topic: string;
  partition: number;
  offset: string;
  /** Kafka's record timestamp, ISO. */
  timestamp: string;
  key: string | null;
  eventType?: string;
  sourceSystem?: string;
  correlationId?: string;
  eventId?: string;
  traceId?: string;
  spanId?: string;
  stage: HopStage;
  matchedBy: TraceMatch;
  /** Milliseconds since the hop before (null on the first) and since the first hop. */
  sincePreviousMs: number | null;
  sinceFirstMs: number;
  /** Only when values were asked for: the writer's schema and the value in JSON form, personal data masked. */
  schemaName?: string;
  value?: unknown;
  /** Why the value is not shown, when it is not. */
  valueError?: string;
}

/** A found record as a hop, before the timeline puts it in order and times it. */
export function hopOf(record: IncomingRecord, matchedBy: TraceMatch): TraceHop {
  const headers = record.headers;
  const context = parseTraceparent(headers[HEADER.traceparent]);
  // Headers a record lacks stay undefined, and so out of the JSON answer.
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: new Date(Number(record.timestamp)).toISOString(),
    // A key is an identifier, seldom personal; one that looks like an ID number or a mobile is masked all the same.
    key: record.key === null ? null : maskPersonalPatterns(record.key.toString('utf8')),
    eventType: headers[HEADER.eventType],
    sourceSystem: headers[HEADER.sourceSystem],
    correlationId: headers[HEADER.correlationId],
    eventId: headers[HEADER.eventId],
    traceId: context?.traceId,
    spanId: context?.spanId,
    stage: stageOf(record.topic, headers),
    matchedBy,
    sincePreviousMs: null,
    sinceFirstMs: 0,
  };
}
