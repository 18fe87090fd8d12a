import type { IncomingRecord, RecordHeaders } from '../../../../src/platform/kafka/kafka-client.js';
import { deadLetterEntry } from '../../../../src/operations/dead-letters/dead-letter-entry.js';
import type { LatestAttempt } from '../../../../src/operations/dead-letters/latest-attempt.js';

/** A dead letter as DeadLetterPublisher writes it, with the parts a test cares about given, as the only attempt of itself. */
export function letter(partial: {
  topic?: string;
  partition?: number;
  offset?: string | number;
  failedAt?: string;
  stage?: string;
  code?: string;
  originalTopic?: string | null;
  headers?: RecordHeaders;
  key?: string | null;
  value?: Buffer | null;
  message?: string;
}): LatestAttempt {
  const headers: RecordHeaders = {
    'correlation-id': 'corr-1',
    'dlq-stage': partial.stage ?? 'connector:crm-main',
    'dlq-error-code': partial.code ?? 'AVRO_VALUE_INVALID',
    'dlq-error-message': partial.message ?? 'value does not match',
    'dlq-error-retriable': 'false',
    'dlq-attempts': '3',
    'dlq-failed-at': partial.failedAt ?? '2026-03-01T08:00:00.000Z',
    ...(partial.originalTopic === null
      ? {}
      : { 'dlq-original-topic': partial.originalTopic ?? 'crm.customer.v1', 'dlq-original-partition': '1', 'dlq-original-offset': '42' }),
    ...partial.headers,
  };
  const record: IncomingRecord = {
    topic: partial.topic ?? 'dlq.crm-main',
    partition: partial.partition ?? 0,
    offset: String(partial.offset ?? 0),
    key: partial.key === null ? null : Buffer.from(partial.key ?? 'C1'),
    value: partial.value === undefined ? Buffer.from('bytes') : partial.value,
    headers,
    timestamp: String(Date.parse('2026-03-01T08:00:00.000Z')),
  };
  const entry = deadLetterEntry(record);
  return { ...entry, attempts: entry.attempt, firstFailedAt: entry.reason.failedAt };
}
