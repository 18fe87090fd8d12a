import { HyperLogLog } from './hyper-log-log.js';
import { isMissing, sameMeasure, stateReader, stateWriter, type MeasureAccumulator } from './measure-accumulator.js';

/** Up to this many distinct values the count is exact; past it, a HyperLogLog estimate. */
export const EXACT_DISTINCT_LIMIT = 1000;

/**
 * `countDistinct: field`: how many different values the window saw. Exact while there are at most
 * EXACT_DISTINCT_LIMIT of them (the values themselves are kept); beyond, a HyperLogLog with a
 * relative standard error of about 1.6 %. Values are compared by type and JSON text, so 1 and "1"
 * are two values. Merging an exact side into a sketch adds its values to the sketch.
 */
export class DistinctCountAccumulator implements MeasureAccumulator {
  readonly kind = 'countDistinct';
  skipped = 0;
  private exact: Set<string> | undefined = new Set();
  private sketch: HyperLogLog | undefined;

  add(value: unknown): void {
    if (isMissing(value)) {
      this.skipped += 1;
      return;
    }
    this.addKey(canonicalKey(value));
  }

  merge(other: MeasureAccumulator): void {
    const that = sameMeasure(this, other);
    if (that.sketch !== undefined) {
      this.toSketch().merge(that.sketch);
    } else {
      for (const key of that.exact ?? []) this.addKey(key);
    }
    this.skipped += that.skipped;
  }

  result(): number {
    return this.exact?.size ?? (this.sketch as HyperLogLog).estimate();
  }

  toBytes(): Buffer {
    const writer = stateWriter(this.kind)
      .varint(this.skipped)
      .flag(this.sketch !== undefined);
    if (this.sketch !== undefined) return this.sketch.write(writer).toBuffer();
    const keys = this.exact ?? new Set<string>();
    writer.varint(keys.size);
    for (const key of keys) writer.text(key);
    return writer.toBuffer();
  }

  static fromBytes(bytes: Uint8Array): DistinctCountAccumulator {
    const reader = stateReader(bytes, 'countDistinct');
    const accumulator = new DistinctCountAccumulator();
    accumulator.skipped = reader.varint();
    if (reader.flag()) {
      accumulator.exact = undefined;
      accumulator.sketch = HyperLogLog.read(reader);
    } else {
      const size = reader.varint();
      if (size > EXACT_DISTINCT_LIMIT) reader.fail(`${size} exact values, more than the ${EXACT_DISTINCT_LIMIT} kept exactly`);
      for (let index = 0; index < size; index += 1) accumulator.exact?.add(reader.text());
      if (accumulator.exact?.size !== size) reader.fail('repeated exact values');
    }
    reader.end();
    return accumulator;
  }

  private addKey(key: string): void {
    if (this.exact === undefined) {
      (this.sketch as HyperLogLog).add(key);
      return;
    }
    this.exact.add(key);
    if (this.exact.size > EXACT_DISTINCT_LIMIT) this.toSketch();
  }

  private toSketch(): HyperLogLog {
    if (this.sketch === undefined) {
      this.sketch = new HyperLogLog();
      for (const key of this.exact ?? []) this.sketch.add(key);
      this.exact = undefined;
    }
    return this.sketch;
  }
}

/** The value's type and JSON text: numbers, strings and objects never collide, and equal values always agree. */
function canonicalKey(value: unknown): string {
  return `${typeof value}:${typeof value === 'string' ? value : JSON.stringify(value)}`;
}
