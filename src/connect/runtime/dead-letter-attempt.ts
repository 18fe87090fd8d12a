import type { RecordHeaders } from '../../platform/kafka/kafka-client.js';

/**
 * Headers that make a record failing again after a replay another attempt of the dead letter it was
 * replayed from, instead of a new dead letter: a replay of everything would otherwise pick up its
 * own re-failures and double the dead letters each time it runs.
 */
export const DEAD_LETTER_ATTEMPT_HEADER = {
  /** The id of the first dead letter of this record: what every later attempt is grouped under. */
  identity: 'dlq-dead-letter-id',
  /** Which attempt this dead letter is: 1 for the first failure, 2 after the first replay, … */
  attempt: 'dlq-dead-letter-attempt',
  /** The topic a replay sent the record to; only a failure there is an attempt of the same dead letter. */
  replayedTo: 'dlq-replayed-to',
} as const;

/**
 * Sets the attempt headers of a dead letter about to be written, in place. A record that a replay
 * sent to the topic it failed on now keeps the identity it was replayed with, one attempt further;
 * anything else (a first failure, or a record a flow derived from a replayed one) loses inherited
 * attempt headers and is a dead letter of its own, identified by its own position.
 */
export function markAttempt(headers: RecordHeaders, failedOnTopic: string): void {
  const identity = headers[DEAD_LETTER_ATTEMPT_HEADER.identity];
  if (identity !== undefined && headers[DEAD_LETTER_ATTEMPT_HEADER.replayedTo] === failedOnTopic) {
    headers[DEAD_LETTER_ATTEMPT_HEADER.attempt] = String(attemptOf(headers) + 1);
    return;
  }
  delete headers[DEAD_LETTER_ATTEMPT_HEADER.identity];
  delete headers[DEAD_LETTER_ATTEMPT_HEADER.attempt];
}

/** The attempt a dead letter's headers say it is: 1 without (or with an unreadable) header. */
export function attemptOf(headers: RecordHeaders): number {
  const text = headers[DEAD_LETTER_ATTEMPT_HEADER.attempt];
  const attempt = text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : 1;
  return Math.max(attempt, 1);
}
