import type { RssSampler } from './rss-sampler.js';

/** Milliseconds spent producing the items, to take off the time of whatever consumed them. */
export interface SourceClock {
  sourceMs: number;
}

export interface TimedChunkOptions {
  rss?: Pick<RssSampler, 'sample'>;
  chunkSize?: number;
  /** Milliseconds; performance.now() unless a test gives a clock of its own. */
  now?: () => number;
}

/**
 * The first `limit` items of `source`, pulled a chunk at a time: pulling is timed into `clock`
 * (so a consumer's own time is its total minus `clock.sourceMs`), and memory is sampled between
 * chunks, since no timer fires while a synchronous consumer runs.
 */
export function* timedChunks<T>(source: Iterator<T>, limit: number, clock: SourceClock, options: TimedChunkOptions = {}): Generator<T> {
  const { rss, chunkSize = 10_000, now = () => performance.now() } = options;
  let taken = 0;
  while (taken < limit) {
    const started = now();
    const chunk: T[] = [];
    while (chunk.length < chunkSize && taken + chunk.length < limit) {
      const next = source.next();
      if (next.done) break;
      chunk.push(next.value);
    }
    clock.sourceMs += now() - started;
    rss?.sample();
    if (chunk.length === 0) return;
    taken += chunk.length;
    yield* chunk;
  }
}
