import { AggregateValueError } from './aggregate-value-error.js';
import { isMissing, sameMeasure, stateReader, stateWriter, type MeasureAccumulator } from './measure-accumulator.js';
import { numericValue } from './numeric-value.js';
import { QuantileSketch } from './quantile-sketch.js';

/**
 * The relative accuracy of `percentile`: the answer is within 1 % of the true value at that rank
 * (a p90 wait of 200 minutes is reported as something from 198 to 202). Stored with the state, so a
 * later default does not misread old windows.
 */
export const PERCENTILE_RELATIVE_ACCURACY = 0.01;

/**
 * `percentile: { of: field, p }`: the value at rank ⌊p·(n − 1)⌋ of the window's n values, estimated
 * by a QuantileSketch within PERCENTILE_RELATIVE_ACCURACY of it, as a number; null for a window
 * with no value.
 */
export class PercentileAccumulator implements MeasureAccumulator {
  readonly kind = 'percentile';
  skipped = 0;

  constructor(
    readonly p: number,
    private sketch = new QuantileSketch(PERCENTILE_RELATIVE_ACCURACY),
  ) {
    if (!(p >= 0 && p <= 1)) throw new AggregateValueError('AGGREGATE_VALUE_INVALID', `percentile p must be from 0 to 1, got ${p}`);
  }

  add(value: unknown): void {
    if (isMissing(value)) {
      this.skipped += 1;
      return;
    }
    this.sketch.add(numericValue(this.kind, value).toNumber());
  }

  merge(other: MeasureAccumulator): void {
    const that = sameMeasure(this, other);
    if (that.p !== this.p || that.sketch.relativeAccuracy !== this.sketch.relativeAccuracy) {
      throw new AggregateValueError(
        'AGGREGATE_MERGE_MISMATCH',
        `cannot merge percentile p ${that.p} (accuracy ${that.sketch.relativeAccuracy}) into p ${this.p} (accuracy ${this.sketch.relativeAccuracy})`,
      );
    }
    this.sketch.merge(that.sketch);
    this.skipped += that.skipped;
  }

  result(): number | null {
    return this.sketch.quantile(this.p) ?? null;
  }

  toBytes(): Buffer {
    return this.sketch.write(stateWriter(this.kind).varint(this.skipped).double(this.p)).toBuffer();
  }

  static fromBytes(bytes: Uint8Array): PercentileAccumulator {
    const reader = stateReader(bytes, 'percentile');
    const skipped = reader.varint();
    const p = reader.double();
    if (!(p >= 0 && p <= 1)) reader.fail(`p ${p}`);
    const accumulator = new PercentileAccumulator(p, QuantileSketch.read(reader));
    accumulator.skipped = skipped;
    reader.end();
    return accumulator;
  }
}
