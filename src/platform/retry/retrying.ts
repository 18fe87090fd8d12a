import { systemClock, type Clock } from '../../core/clock.js';
import { HubError } from '../../core/hub-error.js';
import type { RetryPolicy } from './retry-policy.js';

/** Thrown when the runtime is stopping: the work is left undone (and uncommitted), not failed. */
export class StoppingError extends HubError {
  constructor() {
    super('STOPPING', 'the instance is stopping', { retriable: true });
  }
}

export interface RetryOptions {
  /** Aborted: no further try starts (a StoppingError instead) and a pending wait ends at once. */
  signal?: AbortSignal;
  /** Whether a failure may be tried again: by default a HubError's own `retriable`, anything else yes. */
  retriable?: (error: unknown) => boolean;
  /** No try starts later than this long after the first one began: a deadline rather than a count. */
  timeoutMs?: number;
  /** Sees each failure that will be retried, with the wait before the next try. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  clock?: Clock;
}

/**
 * The one retry loop of the hub: runs `work` until it succeeds, a failure is not retriable, the
 * policy's attempts or the deadline are used up, or the signal aborts; then rethrows the last error.
 * An error that carries `retryAfterMs` (a DeliveryError the remote system answered Retry-After)
 * sets the wait itself, within the policy's maximum.
 */
export async function retrying<T>(policy: RetryPolicy, work: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { signal, clock = systemClock } = options;
  const retriable = options.retriable ?? ((error: unknown) => (error instanceof HubError ? error.retriable : true));
  const deadline = options.timeoutMs === undefined ? Infinity : clock.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw new StoppingError();
    try {
      return await work(attempt);
    } catch (error) {
      if (!retriable(error) || !policy.canRetry(attempt) || signal?.aborted) throw error;
      const delay = policy.delayMs(attempt, retryAfterMsOf(error));
      if (clock.now() + delay >= deadline) throw error;
      options.onRetry?.(error, attempt, delay);
      await clock.sleep(delay, signal);
    }
  }
}

function retryAfterMsOf(error: unknown): number | undefined {
  const retryAfterMs = error instanceof HubError ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  return typeof retryAfterMs === 'number' ? retryAfterMs : undefined;
}
