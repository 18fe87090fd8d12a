import type { RetryPolicy } from '../platform/retry/retry-policy.js';
import { retrying, StoppingError } from '../platform/retry/retrying.js';
import type { MaybePromise } from '../core/maybe-promise.js';

/**
 * `retrying`, with the first attempt made at once and its result returned as it is when it is not
 * a promise: nearly every message of a flow succeeds at the first attempt, synchronously, and
 * wrapping each stage of each message in a promise would cost more than the stage. A first attempt
 * that fails (or is a promise) continues exactly as `retrying` would from there: the same
 * attempts, delays, `onRetry` calls and final error.
 */
export function retryingNow<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  work: (attempt: number) => MaybePromise<T>,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): MaybePromise<T> {
  if (signal.aborted) throw new StoppingError();
  let first: MaybePromise<T>;
  try {
    first = work(1);
  } catch (error) {
    return retrying(policy, (attempt) => (attempt === 1 ? Promise.reject(error) : Promise.resolve(work(attempt))), { signal, onRetry });
  }
  if (!(first instanceof Promise)) return first;
  return retrying(policy, (attempt) => (attempt === 1 ? first : Promise.resolve(work(attempt))), { signal, onRetry });
}
