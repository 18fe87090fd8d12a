import { expect } from 'chai';
import { timedChunks, type SourceClock } from '../support/timed-chunks.js';

function* numbers(pulled: { count: number }): Generator<number> {
  for (let n = 0; ; n++) {
    pulled.count++;
    yield n;
  }
}

/** A clock that moves one millisecond each time it is read, whatever really happens. */
function tickingClock(): () => number {
  let ms = 0;
  return () => ms++;
}

describe('timed chunks', () => {
  it('yields the first `limit` items in order and samples memory once per chunk', () => {
    let samples = 0;
    const items = [...timedChunks(numbers({ count: 0 }), 25, { sourceMs: 0 }, { rss: { sample: () => samples++ }, chunkSize: 10 })];
    expect(items).to.deep.equal(Array.from({ length: 25 }, (_, i) => i));
    expect(samples).to.equal(3);
  });

  it('pulls a chunk from the source before handing out its items', () => {
    const pulled = { count: 0 };
    const seen: number[] = [];
    for (const _ of timedChunks(numbers(pulled), 12, { sourceMs: 0 }, { chunkSize: 5 })) seen.push(pulled.count);
    expect(seen).to.deep.equal([5, 5, 5, 5, 5, 10, 10, 10, 10, 10, 12, 12]);
  });

  it('puts only the time around each chunk pull on the source clock', () => {
    const clock: SourceClock = { sourceMs: 0 };
    const now = tickingClock();
    for (const _ of timedChunks(numbers({ count: 0 }), 25, clock, { chunkSize: 10, now })) now();
    // Three pulls of one tick each; the 25 ticks read by the consumer are not the source's.
    expect(clock.sourceMs).to.equal(3);
  });

  it('stops with the source when the source is shorter', () => {
    expect([...timedChunks([1, 2, 3][Symbol.iterator](), 10, { sourceMs: 0 }, { chunkSize: 2 })]).to.deep.equal([1, 2, 3]);
  });
});
