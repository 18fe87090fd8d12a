import { expect } from 'chai';
import fc from 'fast-check';
import { CustomerViewDataError } from '../../../../src/domain/customer-view/risk/customer-view-data-error.js';
import { centsOf, divideRounded, formatCents, ratioOf, yuanOf } from '../../../../src/domain/customer-view/risk/money-cents.js';

describe('money in cents', () => {
  it('reads decimal amounts exactly, with up to two places', () => {
    expect(centsOf('3860.50')).to.equal(386050n);
    expect(centsOf('3860.5')).to.equal(386050n);
    expect(centsOf('12')).to.equal(1200n);
    expect(centsOf('-0.07')).to.equal(-7n);
    expect(centsOf('90071992547409.93')).to.equal(9007199254740993n);
  });

  it('refuses what is not an amount of cents, naming the field and not the value', () => {
    for (const bad of ['3860.505', '1e3', '', ' 1.00', '1,000.00', 'NaN']) {
      expect(() => centsOf(bad, 'premium of policy P1'), bad).to.throw(
        CustomerViewDataError,
        /^premium of policy P1 is not a decimal amount/,
      );
    }
  });

  it('writes cents as a scale-2 decimal and reads it back unchanged', () => {
    expect(formatCents(386050n)).to.equal('3860.50');
    expect(formatCents(7n)).to.equal('0.07');
    expect(formatCents(-7n)).to.equal('-0.07');
    expect(formatCents(0n)).to.equal('0.00');
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (cents) => centsOf(formatCents(cents)) === cents),
      { seed: 20261201, numRuns: 300 },
    );
    expect(yuanOf(386050n)).to.equal(3860.5);
  });

  it('divides rounding half away from zero', () => {
    expect(divideRounded(3n, 2n)).to.equal(2n);
    expect(divideRounded(-3n, 2n)).to.equal(-2n);
    expect(divideRounded(5n, 4n)).to.equal(1n);
    expect(divideRounded(7n, -4n)).to.equal(-2n);
    expect(() => divideRounded(1n, 0n)).to.throw(CustomerViewDataError);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (n, d) => {
        const q = divideRounded(n, d);
        // |n - q·d| is at most half of d, and exactly half only when q is the one further from zero.
        const remainder = n - q * d;
        const twice = 2n * (remainder < 0n ? -remainder : remainder);
        return twice < d || (twice === d && (q < 0n ? -q : q) * d > (n < 0n ? -n : n));
      }),
      { seed: 4, numRuns: 300 },
    );
  });

  it('gives ratios to four places, and none over nothing', () => {
    expect(ratioOf(50000n, 96248n)).to.equal(0.5195);
    expect(ratioOf(1n, 3n)).to.equal(0.3333);
    expect(ratioOf(2n, 3n)).to.equal(0.6667);
    expect(ratioOf(100n, 0n)).to.equal(null);
    expect(ratioOf(0n, 100n)).to.equal(0);
  });
});
