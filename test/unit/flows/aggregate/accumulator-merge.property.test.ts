import { expect } from 'chai';
import fc from 'fast-check';
import { accumulatorFromBytes, createAccumulator, type AccumulatorSpec } from '../../../../src/flows/aggregate/measure-accumulators.js';

const EXACT_SPECS: AccumulatorSpec[] = [
  { kind: 'count' },
  { kind: 'sum' },
  { kind: 'min' },
  { kind: 'max' },
  { kind: 'avg' },
  { kind: 'last' },
];

/** Amounts as they reach a step: numbers, Avro decimal text, and nulls. */
const amount = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((cents) => cents / 100),
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((cents) => {
    const digits = (cents < 0n ? -cents : cents).toString().padStart(3, '0');
    return `${cents < 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  }),
  fc.constant(null),
);
/** Few distinct event times, so that ties are common. */
const record = fc.record({ value: amount, eventTime: fc.integer({ min: 0, max: 20 }) });

describe('accumulators: merging equals adding everything into one', () => {
  it('exactly for count, sum, min, max, avg and last, at any split, and through their bytes', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.nat(), fc.constantFrom(...EXACT_SPECS), (records, cut, spec) => {
        const split = records.length === 0 ? 0 : cut % (records.length + 1);
        const whole = createAccumulator(spec);
        const left = createAccumulator(spec);
        const right = createAccumulator(spec);
        records.forEach(({ value, eventTime }, index) => {
          whole.add(value, eventTime);
          (index < split ? left : right).add(value, eventTime);
        });
        const merged = accumulatorFromBytes(left.toBytes());
        merged.merge(accumulatorFromBytes(right.toBytes()));
        expect(merged.result()).to.deep.equal(whole.result());
        expect(merged.skipped).to.equal(whole.skipped);
        expect(merged.toBytes()).to.deep.equal(whole.toBytes());
      }),
      { seed: 1919, numRuns: 600 },
    );
  });
});
