import type { RetrySettings } from './connector-instance-config.js';

/**
 * Exponential backoff with full jitter, bounded by attempts and a maximum delay. A `Retry-After`
 * the remote system asked for wins over our own guess (up to the maximum delay): a system that
 * says "come back in 30 s" is not helped by being asked again in 200 ms.
 */
export class RetryPolicy {
  constructor(
    readonly settings: RetrySettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** Whether another try may follow try number `attempt` (1-based). */
  canRetry(attempt: number): boolean {
    return attempt < this.settings.attempts;
  }

  /** How long to wait after try number `attempt` failed. */
  delayMs(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, this.settings.maxDelayMs);
    const ceiling = Math.min(this.settings.maxDelayMs, this.settings.initialDelayMs * this.settings.multiplier ** (attempt - 1));
    // Full jitter spreads the retries of many instances that failed at the same moment.
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}
