import { LRUCache } from 'lru-cache';
import { systemClock, type Clock } from '../../core/clock.js';

export interface LookupCacheOptions {
  /** How long an answer is reused; 0 reuses none, but a lookup in flight is still shared. */
  ttlMs: number;
  /** Beyond this many answers the least recently used goes. */
  maxEntries?: number;
  clock?: Pick<Clock, 'now'>;
}

/**
 * Answers of an expensive asynchronous lookup (an HTTP API, the broker) by key, each reused for a
 * time to live. Callers that need the same answer while it is being looked up wait for that one
 * lookup instead of starting their own. A lookup that fails is not kept: the next caller asks again
 * (a caller that wants failures kept turns them into an answer before they reach the cache).
 */
export class LookupCache<Value> {
  // lru-cache keeps no undefined values, and "not found" is an answer too: each is boxed.
  private readonly answers: LRUCache<string, { value: Value }, () => Promise<Value>>;
  private readonly ttlMs: number;

  constructor(options: LookupCacheOptions) {
    this.ttlMs = Math.max(0, options.ttlMs);
    const clock = options.clock ?? systemClock;
    this.answers = new LRUCache({
      max: options.maxEntries ?? 10_000,
      // lru-cache takes a ttl of 0 to mean "forever": a ttl of 0 is handled by refreshing on every get instead.
      ttl: this.ttlMs > 0 ? this.ttlMs : undefined,
      // Ask the clock on every check rather than lru-cache's own one-millisecond timer, so a test's clock is obeyed.
      ttlResolution: 0,
      perf: { now: () => clock.now() },
      // A lookup in flight when its key is evicted or the cache cleared still answers those who wait for it.
      ignoreFetchAbort: true,
      fetchMethod: async (_key, _stale, { context }) => ({ value: await context() }),
    });
  }

  /** The answer for `key`: a kept one, the one being looked up, or what `load` gives. */
  async get(key: string, load: () => Promise<Value>): Promise<Value> {
    const answer = await this.answers.fetch(key, { context: load, forceRefresh: this.ttlMs === 0 });
    // fetch gives undefined only for a lookup that was aborted and not told to carry on, which none here is.
    return (answer as { value: Value }).value;
  }

  clear(): void {
    this.answers.clear();
  }
}
