import { expect } from 'chai';
import { accumulatorFromBytes, createAccumulator, type AccumulatorSpec } from '../../../../src/flows/aggregate/measure-accumulators.js';

/**
 * State as format version 1 wrote it, from the records below. Stored state outlives releases: a
 * later layout must get a new version and still read these bytes to the same answers.
 */
const RECORDS: [unknown, number][] = [
  ['3860.50', 1000],
  [null, 1001],
  [12.25, 1002],
  ['-4.75', 999],
  [12.25, 1002],
];

const VERSION_1: { spec: AccumulatorSpec; hex: string; result: unknown }[] = [
  { spec: { kind: 'count' }, hex: '01010597f276eb', result: 5 },
  { spec: { kind: 'sum' }, hex: '0102010107333838302e3235d3a88ff4', result: '3880.25' },
  { spec: { kind: 'min' }, hex: '0103010101052d342e3735de2ad04b', result: '-4.75' },
  { spec: { kind: 'max' }, hex: '010401010107333836302e3530fbc51ba4', result: '3860.50' },
  { spec: { kind: 'avg' }, hex: '0105010407333838302e3235b004df38', result: 970.0625 },
  {
    spec: { kind: 'percentile', p: 0.9 },
    hex: '0106013feccccccccccccd3f847ae147ae147b0002fc0102be0401019c01013b6d6af2',
    result: 12.305344364474362,
  },
  {
    spec: { kind: 'countDistinct' },
    hex: '01070100030e737472696e673a333836302e35300c6e756d6265723a31322e32350c737472696e673a2d342e37359c6b9a57',
    result: 3,
  },
  { spec: { kind: 'last' }, hex: '01080101408f5000000000000531322e32359cacea83', result: 12.25 },
];

describe('measure state, format version 1', () => {
  for (const { spec, hex, result } of VERSION_1) {
    it(`${spec.kind}: reads the stored bytes to the same answer, and writes the same bytes`, () => {
      const restored = accumulatorFromBytes(Buffer.from(hex, 'hex'));
      expect(restored.kind).to.equal(spec.kind);
      expect(restored.result()).to.deep.equal(result);
      expect(restored.skipped).to.equal(spec.kind === 'count' ? 0 : 1);
      const accumulator = createAccumulator(spec);
      for (const [value, eventTime] of RECORDS) accumulator.add(value, eventTime);
      expect(accumulator.toBytes().toString('hex')).to.equal(hex);
    });
  }
});
