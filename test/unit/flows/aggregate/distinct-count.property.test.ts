import { expect } from 'chai';
import fc from 'fast-check';
import { EXACT_DISTINCT_LIMIT } from '../../../../src/flows/aggregate/distinct-count-accumulator.js';
import { HYPER_LOG_LOG_STANDARD_ERROR } from '../../../../src/flows/aggregate/hyper-log-log.js';
import type { MeasureAccumulator } from '../../../../src/flows/aggregate/measure-accumulator.js';
import { accumulatorFromBytes, createAccumulator } from '../../../../src/flows/aggregate/measure-accumulators.js';

/** Three standard errors: a correct sketch is outside it about 3 times in 1,000. */
const BOUND = 3 * HYPER_LOG_LOG_STANDARD_ERROR;

/** Customer ids `prefix0`..`prefix(count-1)`, each `repeats` times. */
function distinctOf(count: number, prefix: string, repeats = 1): MeasureAccumulator {
  const accumulator = createAccumulator({ kind: 'countDistinct' });
  for (let round = 0; round < repeats; round += 1) {
    for (let index = 0; index < count; index += 1) accumulator.add(`${prefix}${index}`, 0);
  }
  return accumulator;
}

function expectWithinBound(estimate: unknown, exact: number): void {
  if (exact <= EXACT_DISTINCT_LIMIT) expect(estimate).to.equal(exact);
  else expect(Math.abs((estimate as number) - exact) / exact, `estimate ${String(estimate)} of ${exact}`).to.be.at.most(BOUND);
}

describe('countDistinct: against the exact answer', () => {
  it('is exact up to the limit and within three standard errors beyond, however often each value repeats', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.string({ maxLength: 6 }),
        (count, repeats, prefix) => {
          expectWithinBound(distinctOf(count, `${prefix}-`, repeats).result(), count);
        },
      ),
      { seed: 7, numRuns: 20 },
    );
  });

  it('merges exact with exact, exact with sketch and sketch with sketch as the union, through their bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6_000 }),
        fc.integer({ min: 0, max: 6_000 }),
        fc.integer({ min: 0, max: 6_000 }),
        (a, b, overlap) => {
          // Left holds ids 0..a-1, right holds ids a-overlap .. a-overlap+b-1: they share min(overlap, a, b).
          const shared = Math.min(overlap, a, b);
          const left = distinctOf(a, 'id');
          const right = createAccumulator({ kind: 'countDistinct' });
          for (let index = a - shared; index < a - shared + b; index += 1) right.add(`id${index}`, 0);
          const merged = accumulatorFromBytes(left.toBytes());
          merged.merge(accumulatorFromBytes(right.toBytes()));
          expectWithinBound(merged.result(), a + b - shared);
        },
      ),
      { seed: 8, numRuns: 20 },
    );
  });

  it('merges in either order to the same state', () => {
    const small = distinctOf(300, 'x');
    const large = distinctOf(5_000, 'y');
    const one = accumulatorFromBytes(small.toBytes());
    one.merge(large);
    const other = accumulatorFromBytes(large.toBytes());
    other.merge(small);
    expect(one.toBytes()).to.deep.equal(other.toBytes());
  });
});
