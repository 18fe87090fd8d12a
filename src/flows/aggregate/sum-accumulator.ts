import { readDecimal, writeDecimal } from './decimal-state.js';
import { ExactDecimal } from './exact-decimal.js';
import { isMissing, sameMeasure, stateReader, stateWriter, type MeasureAccumulator } from './measure-accumulator.js';
import { numericValue } from './numeric-value.js';

/**
 * `sum: field`: the exact decimal sum, so that amounts never drift however many records and merges
 * go into it. As decimal text with the largest scale seen ("3862.00") once any value came as decimal
 * text (an Avro decimal), else as a number; 0 for an empty window.
 */
export class SumAccumulator implements MeasureAccumulator {
  readonly kind = 'sum';
  skipped = 0;
  private total = ExactDecimal.ZERO;
  private anyText = false;

  add(value: unknown): void {
    if (isMissing(value)) {
      this.skipped += 1;
      return;
    }
    this.total = this.total.plus(numericValue(this.kind, value));
    if (typeof value === 'string') this.anyText = true;
  }

  merge(other: MeasureAccumulator): void {
    const that = sameMeasure(this, other);
    this.total = this.total.plus(that.total);
    this.anyText ||= that.anyText;
    this.skipped += that.skipped;
  }

  result(): number | string {
    return this.anyText ? this.total.text() : this.total.toNumber();
  }

  toBytes(): Buffer {
    const writer = stateWriter(this.kind).varint(this.skipped).flag(this.anyText);
    return writeDecimal(writer, this.total).toBuffer();
  }

  static fromBytes(bytes: Uint8Array): SumAccumulator {
    const reader = stateReader(bytes, 'sum');
    const accumulator = new SumAccumulator();
    accumulator.skipped = reader.varint();
    accumulator.anyText = reader.flag();
    accumulator.total = readDecimal(reader);
    reader.end();
    return accumulator;
  }
}
