import type { Clock } from './clock.js';

interface Sleeper {
  until: number;
  wake(): void;
}

/** Time that moves only when told (tests, and `crm-hub test`'s virtual clock): a sleep ends when `advance` reaches its end (or its signal aborts). */
export class ManualClock implements Clock {
  private time: number;

  constructor(start = 0) {
    this.time = start;
  }
  private sleepers: Sleeper[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        until: this.time + ms,
        wake: () => {
          this.sleepers = this.sleepers.filter((other) => other !== sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Sleeps not yet ended. */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /**
   * Moves time on by `ms`, ending the sleeps due by then in the order they are due, each at its own
   * time; what a woken sleeper does up to its next wait has run when this resolves.
   */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const due = this.sleepers.filter((sleeper) => sleeper.until <= target).sort((a, b) => a.until - b.until)[0];
      if (!due) break;
      this.time = due.until;
      due.wake();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = target;
  }
}
