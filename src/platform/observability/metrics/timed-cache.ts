/**
 * The last answer of an expensive asynchronous lookup, kept for `ttlMs`; callers that arrive while
 * a lookup runs share it. Several Prometheus servers may scrape every few seconds: the broker is
 * asked at most once per ttl, and a failure is kept as long, so a broker that is away is not pressed.
 */
export class TimedCache<T> {
  private entry: { at: number; result: Promise<T> } | undefined;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const now = this.now();
    if (!this.entry || now - this.entry.at >= this.ttlMs) this.entry = { at: now, result: this.load() };
    return this.entry.result;
  }
}
