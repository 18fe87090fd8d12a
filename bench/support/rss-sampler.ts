/**
 * The highest resident set size seen while something ran: sampled on a timer for asynchronous
 * work, and by `sample()` from inside synchronous loops, where no timer fires.
 */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(intervalMs = 100): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  /** Stops sampling; returns the peak in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return mebibytes(this.peak);
  }
}

export function mebibytes(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

/** Collects garbage when the process was started with --expose-gc (the runner does), so set-up leftovers do not count. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
