/**
 * Hands out strictly increasing millisecond stamps. Change paging relies on every write sorting after
 * everything already stored: a write stamped equal to or before a cursor would be skipped by readers
 * in the middle of a scan. Seed data may lie in the future, so the clock is pushed past it.
 */
export class MonotonicClock {
  private last = 0;

  constructor(private readonly now: () => number = Date.now) {}

  next(): number {
    this.last = Math.max(this.now(), this.last + 1);
    return this.last;
  }

  observe(stamp: number): void {
    this.last = Math.max(this.last, stamp);
  }
}
