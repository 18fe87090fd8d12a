import { derivedTracingHeaders } from '../runtime/record-headers.js';
import type { RecordHeaders } from '../kafka/kafka-client.js';

/** What a replayed record carries besides its own headers: which dead letter it was and which replay sent it. */
export const REPLAY_HEADER = {
  replayedFrom: 'dlq-replayed-from',
  replayId: 'dlq-replay-id',
} as const;

const DEAD_LETTER_HEADER_PREFIX = 'dlq-';

/**
 * The headers a replayed record goes out with: the original ones (correlation id, event id) as
 * they were, the trace continued with a new span and stage `replay:<id>`, without any dlq-* header of this or an earlier failure, so that a
 * consumer sees a record as it first was and a new failure starts a clean reason.
 */
export function replayHeaders(headers: RecordHeaders, deadLetterId: string, replayId: string): RecordHeaders {
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith(DEAD_LETTER_HEADER_PREFIX)));
  // Same correlation id and trace, a new span, and a stage that says a replay sent it.
  return { ...kept, ...derivedTracingHeaders(kept, `replay:${replayId}`), [REPLAY_HEADER.replayedFrom]: deadLetterId, [REPLAY_HEADER.replayId]: replayId };
}
