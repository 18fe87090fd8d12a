import { expect } from 'chai';
import fc from 'fast-check';
import { percentileSummary } from '../support/percentile-summary.js';

describe('percentile summary', () => {
  it('takes nearest-rank percentiles: values some measurement really had', () => {
    const shuffled = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    expect(percentileSummary(shuffled)).to.deep.equal({ count: 100, p50: 50, p99: 99, max: 100 });
  });

  it('gives the one value of a single measurement for every percentile', () => {
    expect(percentileSummary([7.5])).to.deep.equal({ count: 1, p50: 7.5, p99: 7.5, max: 7.5 });
  });

  it('has no percentiles for no values', () => {
    const summary = percentileSummary([]);
    expect(summary.count).to.equal(0);
    expect(Number.isNaN(summary.p50)).to.equal(true);
  });

  it('orders p50 ≤ p99 ≤ max, all drawn from the values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 }), (values) => {
        const { p50, p99, max } = percentileSummary(values);
        expect(p50).to.be.at.most(p99);
        expect(p99).to.be.at.most(max);
        expect(values).to.include.members([p50, p99, max]);
        expect(max).to.equal(Math.max(...values));
      }),
      { seed: 20261123, numRuns: 200 },
    );
  });
});
