import type { Clock } from '../../src/core/clock.js';

/** Time that moves only when code waits: each wait is recorded and passes at once (or at its signal's abort). */
export class InstantClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    this.sleeps.push(ms);
    this.time += ms;
  }
}
