/**
 * How often each key arrived somewhere (a topic, a sink): at-least-once delivery is checked as
 * "every expected key at least once", and what arrived more than once is counted, not forbidden.
 */
export class KeyTally {
  private readonly counts = new Map<string, number>();
  private arrivals = 0;

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.arrivals++;
  }

  /** Every arrival, duplicates included. */
  get total(): number {
    return this.arrivals;
  }

  get distinct(): number {
    return this.counts.size;
  }

  /** Arrivals beyond the first of their key. */
  get duplicates(): number {
    return this.arrivals - this.counts.size;
  }

  has(key: string): boolean {
    return this.counts.has(key);
  }

  /** The expected keys that never arrived. */
  missing(expected: Iterable<string>): string[] {
    return [...expected].filter((key) => !this.counts.has(key));
  }

  /** Keys that arrived but were not expected. */
  unexpected(expected: ReadonlySet<string>): string[] {
    return [...this.counts.keys()].filter((key) => !expected.has(key));
  }

  static of(keys: Iterable<string>): KeyTally {
    const tally = new KeyTally();
    for (const key of keys) tally.add(key);
    return tally;
  }
}
