import type { IncomingRecord, RecordHeaders } from '../../platform/kafka/kafka-client.js';
import { attemptOf, DEAD_LETTER_ATTEMPT_HEADER } from '../../connect/runtime/dead-letter-attempt.js';
import { DEAD_LETTER_HEADER } from '../../platform/headers/dead-letter-headers.js';
import { formatDeadLetterId } from './dead-letter-id.js';

/** Set by the flow runner beside the publisher's headers: the step that failed. */
export const FLOW_STEP_HEADER = 'dlq-flow-step';

/** Why a record was dead-lettered and where it came from, read back from its dlq-* headers. */
export interface DeadLetterReason {
  /** Who gave up on it: `connector:<instance>`, `flow:<name>`, `customer-view:<processor>`, `cli:import/<file>`. */
  stage: string | null;
  flowStep: string | null;
  errorCode: string;
  errorMessage: string;
  retriable: boolean | null;
  attempts: number | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  /** ISO time of the failure: the header, else the dead letter's own Kafka timestamp. */
  failedAt: string;
}

/** One record of a dead-letter topic: the original key, bytes and headers, and the reason beside them. */
export interface DeadLetterEntry {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  reason: DeadLetterReason;
  /** reason.failedAt in milliseconds: what lists sort and filter on. */
  failedAtMs: number;
  /**
   * The dead letter this record is an attempt of: the id of its first dead letter, carried through
   * replays (dlq-dead-letter-id); its own id when it failed once, or was written before that header.
   */
  identity: string;
  /** Which attempt of that dead letter this record is (dlq-dead-letter-attempt, default 1). */
  attempt: number;
}

export function deadLetterEntry(record: IncomingRecord): DeadLetterEntry {
  const header = (name: string): string | null => record.headers[name] ?? null;
  const failedAtHeader = Date.parse(header(DEAD_LETTER_HEADER.failedAt) ?? '');
  // A dead letter written by hand or by an older hub may lack the header: its Kafka time is close enough.
  const kafkaTime = Number(record.timestamp);
  const failedAtMs = !Number.isNaN(failedAtHeader) ? failedAtHeader : Number.isFinite(kafkaTime) ? kafkaTime : 0;
  const partition = header(DEAD_LETTER_HEADER.originalPartition);
  const attempts = header(DEAD_LETTER_HEADER.attempts);
  const retriable = header(DEAD_LETTER_HEADER.retriable);
  const id = formatDeadLetterId(record);
  return {
    id,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    value: record.value,
    headers: record.headers,
    failedAtMs,
    identity: header(DEAD_LETTER_ATTEMPT_HEADER.identity) ?? id,
    attempt: attemptOf(record.headers),
    reason: {
      stage: header(DEAD_LETTER_HEADER.stage),
      flowStep: header(FLOW_STEP_HEADER),
      errorCode: header(DEAD_LETTER_HEADER.errorCode) ?? 'UNKNOWN',
      errorMessage: header(DEAD_LETTER_HEADER.errorMessage) ?? '',
      retriable: retriable === null ? null : retriable === 'true',
      attempts: attempts !== null && /^\d+$/.test(attempts) ? Number(attempts) : null,
      originalTopic: header(DEAD_LETTER_HEADER.originalTopic),
      originalPartition: partition !== null && /^\d+$/.test(partition) ? Number(partition) : null,
      originalOffset: header(DEAD_LETTER_HEADER.originalOffset),
      failedAt: new Date(failedAtMs).toISOString(),
    },
  };
}
