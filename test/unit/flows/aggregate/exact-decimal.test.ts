import { expect } from 'chai';
import fc from 'fast-check';
import { ExactDecimal } from '../../../../src/flows/aggregate/exact-decimal.js';

function sum(values: unknown[]): ExactDecimal {
  return values.reduce<ExactDecimal>((total, value) => total.plus(ExactDecimal.of(value) as ExactDecimal), ExactDecimal.ZERO);
}

describe('ExactDecimal', () => {
  it('adds numbers at their decimal text, so 0.1 + 0.2 is 0.3', () => {
    expect(sum([0.1, 0.2]).toNumber()).to.equal(0.3);
    expect(0.1 + 0.2).to.not.equal(0.3);
  });

  it('keeps the largest scale of decimal text, as an Avro decimal holds it', () => {
    expect(sum(['3860.50', '0.505', '-1']).text()).to.equal('3860.005');
    expect(sum(['1.10', '2.20']).text()).to.equal('3.30');
  });

  it('reads numbers printed with an exponent', () => {
    expect(ExactDecimal.of(1e-7)?.text()).to.equal('0.0000001');
    expect(ExactDecimal.of(1e21)?.text()).to.equal('1000000000000000000000');
    expect(ExactDecimal.of(-1.5e-7)?.text()).to.equal('-0.00000015');
  });

  it('takes nothing that is not a finite number or decimal text', () => {
    for (const value of ['abc', '1e5', '', NaN, Infinity, true, {}, null])
      expect(ExactDecimal.of(value), String(value)).to.equal(undefined);
  });

  it('orders by value whatever the scale', () => {
    expect(ExactDecimal.of('10.50')?.compare(ExactDecimal.of(10.5) as ExactDecimal)).to.equal(0);
    expect(ExactDecimal.of('-0.01')?.compare(ExactDecimal.of(0) as ExactDecimal)).to.equal(-1);
  });

  it('sums any amounts in cents exactly, in any order', () => {
    const cents = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });
    fc.assert(
      fc.property(fc.array(cents, { maxLength: 200 }), (amounts) => {
        const texts = amounts.map((amount) => {
          const digits = (amount < 0n ? -amount : amount).toString().padStart(3, '0');
          return `${amount < 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
        });
        const exact = amounts.reduce((total, amount) => total + amount, 0n);
        const forward = sum(texts);
        expect(forward.unscaled * 10n ** BigInt(2 - forward.scale)).to.equal(exact);
        expect(sum([...texts].reverse()).text()).to.equal(forward.text());
      }),
      { seed: 19, numRuns: 200 },
    );
  });
});
