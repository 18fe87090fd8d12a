import { derivedTracingHeaders } from '../../platform/headers/record-headers.js';
import { DEAD_LETTER_ATTEMPT_HEADER } from '../../connect/runtime/dead-letter-attempt.js';
import type { RecordHeaders } from '../../platform/kafka/kafka-client.js';

/** What a replayed record carries besides its own headers: which dead letter it was and which replay sent it. */
export const REPLAY_HEADER = {
  replayedFrom: 'dlq-replayed-from',
  replayId: 'dlq-replay-id',
} as const;

/** The attempt of a dead letter being replayed: its record's position, the dead letter's identity and the attempt number. */
export interface ReplayedAttempt {
  id: string;
  identity: string;
  attempt: number;
}

const DEAD_LETTER_HEADER_PREFIX = 'dlq-';

/**
 * The headers a replayed record goes out with to `target`: the original ones (correlation id,
 * event id) as they were, the trace continued with a new span and stage `replay:<id>`, without any
 * dlq-* header of this or an earlier failure, so that a consumer sees a record as it first was and a
 * new failure starts a clean reason. The dead letter's identity, attempt and the target go along,
 * so that a failure there is recorded as the next attempt of the same dead letter.
 */
export function replayHeaders(headers: RecordHeaders, replayed: ReplayedAttempt, replayId: string, target: string): RecordHeaders {
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith(DEAD_LETTER_HEADER_PREFIX)));
  // Same correlation id and trace, a new span, and a stage that says a replay sent it.
  return {
    ...kept,
    ...derivedTracingHeaders(kept, `replay:${replayId}`),
    [REPLAY_HEADER.replayedFrom]: replayed.id,
    [REPLAY_HEADER.replayId]: replayId,
    [DEAD_LETTER_ATTEMPT_HEADER.identity]: replayed.identity,
    [DEAD_LETTER_ATTEMPT_HEADER.attempt]: String(replayed.attempt),
    [DEAD_LETTER_ATTEMPT_HEADER.replayedTo]: target,
  };
}
