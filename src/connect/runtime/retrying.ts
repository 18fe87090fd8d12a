import { HubError } from '../../core/hub-error.js';
import { DeliveryError } from '../sdk/delivery-error.js';
import { sleep } from '../../core/sleep.js';
import { RetryPolicy } from './retry-policy.js';

/** Thrown when the runtime is stopping: the work is left undone (and uncommitted), not failed. */
export class StoppingError extends HubError {
  constructor() {
    super('STOPPING', 'the instance is stopping', { retriable: true });
  }
}

/**
 * Runs `work` until it succeeds, a non-retriable error comes, or the policy's attempts are used up;
 * then rethrows the last error. `onRetry` sees each failure that will be retried.
 */
export async function retrying<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  work: (attempt: number) => Promise<T>,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw new StoppingError();
    try {
      return await work(attempt);
    } catch (error) {
      const retriable = error instanceof HubError ? error.retriable : true;
      if (!retriable || !policy.canRetry(attempt) || signal.aborted) throw error;
      const delay = policy.delayMs(attempt, error instanceof DeliveryError ? error.retryAfterMs : undefined);
      onRetry?.(error, attempt, delay);
      await sleep(delay, signal);
    }
  }
}
