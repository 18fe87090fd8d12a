import { sameMeasure, stateReader, stateWriter, type MeasureAccumulator } from './measure-accumulator.js';

/** `count: true`: the number of records in the window, whatever their values. */
export class CountAccumulator implements MeasureAccumulator {
  readonly kind = 'count';
  readonly skipped = 0;
  private count = 0;

  add(): void {
    this.count += 1;
  }

  merge(other: MeasureAccumulator): void {
    this.count += sameMeasure(this, other).count;
  }

  result(): number {
    return this.count;
  }

  toBytes(): Buffer {
    return stateWriter(this.kind).varint(this.count).toBuffer();
  }

  static fromBytes(bytes: Uint8Array): CountAccumulator {
    const reader = stateReader(bytes, 'count');
    const accumulator = new CountAccumulator();
    accumulator.count = reader.varint();
    reader.end();
    return accumulator;
  }
}
