import type { Clock } from '../../core/clock.js';
import { NO_JITTER, RetryPolicy } from '../retry/retry-policy.js';
import { retrying } from '../retry/retrying.js';

/** Six tries, 100 ms to 1.6 s apart (3.1 s in all). */
const METADATA_RETRY = new RetryPolicy({ attempts: 6, initialDelayMs: 100, maxDelayMs: 1600, multiplier: 2 }, NO_JITTER);

/**
 * Retries a metadata or offsets request the broker refused for a passing reason. Right after a
 * topic is created, or while leadership moves, the broker answers "not the leader for that
 * partition" or "unknown topic" for a moment; kafkajs marks those retriable but its admin client
 * hands them to the caller (seen as an intermittent failure reading a topic just created).
 */
export function withMetadataRetry<T>(request: () => Promise<T>, clock?: Clock): Promise<T> {
  return retrying(METADATA_RETRY, request, { retriable: (error) => (error as { retriable?: boolean }).retriable === true, clock });
}
