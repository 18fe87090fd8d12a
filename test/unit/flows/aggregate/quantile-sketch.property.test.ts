import { expect } from 'chai';
import fc from 'fast-check';
import { PERCENTILE_RELATIVE_ACCURACY } from '../../../../src/flows/aggregate/percentile-accumulator.js';
import { accumulatorFromBytes, createAccumulator } from '../../../../src/flows/aggregate/measure-accumulators.js';

/** The value at 0-based rank ⌊p·(n − 1)⌋ of the sorted values: what the percentile measure estimates. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(p * (sorted.length - 1))] as number;
}

/** The documented bound, plus the last bits of a double at bin edges (log and pow round). */
function withinBound(estimate: number, exact: number): boolean {
  if (exact === 0) return estimate === 0;
  return Math.abs(estimate - exact) <= Math.abs(exact) * PERCENTILE_RELATIVE_ACCURACY * (1 + 1e-9);
}

const uniform = fc.array(fc.double({ min: 0.001, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 400 });
/** Exponential waits: most short, a long tail (the shape of a parts wait). */
const skewed = fc.array(
  fc.double({ min: 1e-9, max: 1, maxExcluded: true, noNaN: true }).map((u) => -Math.log(1 - u) * 90),
  { minLength: 1, maxLength: 400 },
);
/** Log-normal over nine orders of magnitude. */
const wide = fc.array(
  fc.double({ min: -20, max: 20, noNaN: true }).map((exponent) => Math.exp(exponent)),
  { minLength: 1, maxLength: 400 },
);
/** Few distinct values, many times each, zeros and negatives among them. */
const duplicates = fc.array(fc.constantFrom(-250, -3.5, -1, 0, 0, 1, 2, 2, 45, 45, 45, 1e6), { minLength: 1, maxLength: 400 });
const signed = fc.array(fc.double({ min: -1e7, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 400 });

const distributions = fc.oneof(uniform, skewed, wide, duplicates, signed);
const percentile = fc.constantFrom(0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1);

describe('percentile: against the exact answer', () => {
  it('is within the documented relative accuracy for uniform, skewed, wide, duplicated and signed values', () => {
    fc.assert(
      fc.property(distributions, percentile, (values, p) => {
        const accumulator = createAccumulator({ kind: 'percentile', p });
        for (const value of values) accumulator.add(value, 0);
        const estimate = accumulator.result() as number;
        const exact = exactPercentile(values, p);
        expect(withinBound(estimate, exact), `p${p} estimate ${estimate}, exact ${exact}`).to.equal(true);
      }),
      { seed: 90, numRuns: 400 },
    );
  });

  it('merged from parts (through their bytes) answers exactly as one sketch of all the values', () => {
    fc.assert(
      fc.property(fc.array(distributions, { minLength: 1, maxLength: 4 }), percentile, (parts, p) => {
        const whole = createAccumulator({ kind: 'percentile', p });
        const merged = createAccumulator({ kind: 'percentile', p });
        for (const part of parts) {
          const piece = createAccumulator({ kind: 'percentile', p });
          for (const value of part) {
            whole.add(value, 0);
            piece.add(value, 0);
          }
          merged.merge(accumulatorFromBytes(piece.toBytes()));
        }
        expect(merged.result()).to.equal(whole.result());
        expect(withinBound(merged.result() as number, exactPercentile(parts.flat(), p))).to.equal(true);
      }),
      { seed: 91, numRuns: 150 },
    );
  });

  it('is null for a window with no value', () => {
    expect(createAccumulator({ kind: 'percentile', p: 0.9 }).result()).to.equal(null);
  });
});
