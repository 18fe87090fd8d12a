import { ExactDecimal } from './exact-decimal.js';
import { isMissing, sameMeasure, stateReader, stateWriter, type MeasureAccumulator } from './measure-accumulator.js';
import { numericValue } from './numeric-value.js';

/**
 * `min: field` and `max: field`: the smallest or largest value by exact numeric order, returned as
 * it came (a number, or decimal text for an Avro decimal); of equal values the first added stays.
 * Null for a window with no value.
 */
export class ExtremeAccumulator implements MeasureAccumulator {
  skipped = 0;
  private best: { value: number | string; decimal: ExactDecimal } | undefined;

  constructor(readonly kind: 'min' | 'max') {}

  add(value: unknown): void {
    if (isMissing(value)) {
      this.skipped += 1;
      return;
    }
    const decimal = numericValue(this.kind, value);
    this.offer(typeof value === 'string' ? value : decimal.toNumber(), decimal);
  }

  merge(other: MeasureAccumulator): void {
    const that = sameMeasure(this, other);
    if (that.best !== undefined) this.offer(that.best.value, that.best.decimal);
    this.skipped += that.skipped;
  }

  result(): number | string | null {
    return this.best?.value ?? null;
  }

  toBytes(): Buffer {
    const writer = stateWriter(this.kind)
      .varint(this.skipped)
      .flag(this.best !== undefined);
    if (this.best !== undefined) writer.flag(typeof this.best.value === 'string').text(String(this.best.value));
    return writer.toBuffer();
  }

  static fromBytes(bytes: Uint8Array, kind: 'min' | 'max'): ExtremeAccumulator {
    const reader = stateReader(bytes, kind);
    const accumulator = new ExtremeAccumulator(kind);
    accumulator.skipped = reader.varint();
    if (reader.flag()) {
      const isText = reader.flag();
      const text = reader.text();
      const value = isText ? text : Number(text);
      const decimal =
        (isText || String(value) === text ? ExactDecimal.of(value) : undefined) ??
        reader.fail(`${kind} value ${JSON.stringify(text.slice(0, 40))}`);
      accumulator.best = { value, decimal };
    }
    reader.end();
    return accumulator;
  }

  private offer(value: number | string, decimal: ExactDecimal): void {
    const order = this.best === undefined ? 0 : decimal.compare(this.best.decimal);
    if (this.best === undefined || (this.kind === 'min' ? order < 0 : order > 0)) this.best = { value, decimal };
  }
}
