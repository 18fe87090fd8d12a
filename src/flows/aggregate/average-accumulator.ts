import { readDecimal, writeDecimal } from './decimal-state.js';
import { ExactDecimal } from './exact-decimal.js';
import { isMissing, sameMeasure, stateReader, stateWriter, type MeasureAccumulator } from './measure-accumulator.js';
import { numericValue } from './numeric-value.js';

/**
 * `avg: field`: the mean of the values that are present, as a number; null for a window with none.
 * Kept as the exact sum and the count, so the mean is rounded once, when asked for, and merging in
 * any order gives the same answer.
 */
export class AverageAccumulator implements MeasureAccumulator {
  readonly kind = 'avg';
  skipped = 0;
  private total = ExactDecimal.ZERO;
  private count = 0;

  add(value: unknown): void {
    if (isMissing(value)) {
      this.skipped += 1;
      return;
    }
    this.total = this.total.plus(numericValue(this.kind, value));
    this.count += 1;
  }

  merge(other: MeasureAccumulator): void {
    const that = sameMeasure(this, other);
    this.total = this.total.plus(that.total);
    this.count += that.count;
    this.skipped += that.skipped;
  }

  result(): number | null {
    return this.count === 0 ? null : this.total.toNumber() / this.count;
  }

  toBytes(): Buffer {
    return writeDecimal(stateWriter(this.kind).varint(this.skipped).varint(this.count), this.total).toBuffer();
  }

  static fromBytes(bytes: Uint8Array): AverageAccumulator {
    const reader = stateReader(bytes, 'avg');
    const accumulator = new AverageAccumulator();
    accumulator.skipped = reader.varint();
    accumulator.count = reader.varint();
    accumulator.total = readDecimal(reader);
    reader.end();
    return accumulator;
  }
}
