import { systemClock, type Clock } from '../../core/clock.js';

/**
 * A token bucket: up to `ratePerSecond` records per second on average, with bursts of at most one
 * second's worth. Shared by every lane of a sink instance, so the limit holds for the instance.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = ratePerSecond;
    this.last = clock.now();
  }

  async acquire(count: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      this.refill();
      if (this.tokens >= count || (this.tokens >= this.ratePerSecond && count > this.ratePerSecond)) {
        this.tokens -= count;
        return;
      }
      const needed = Math.min(count, this.ratePerSecond) - this.tokens;
      await this.clock.sleep(Math.max(5, Math.ceil((needed / this.ratePerSecond) * 1000)), signal);
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
