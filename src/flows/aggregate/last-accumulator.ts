import { AggregateValueError } from './aggregate-value-error.js';
import { isMissing, sameMeasure, stateReader, stateWriter, type MeasureAccumulator } from './measure-accumulator.js';

/**
 * `last: field`: the value of the record with the latest event time, not the last to arrive, so a
 * late record does not overwrite a newer status. Of equal event times the last added wins, and in
 * a merge the other side counts as added later. Null for a window with no value.
 */
export class LastAccumulator implements MeasureAccumulator {
  readonly kind = 'last';
  skipped = 0;
  private latest: { value: unknown; eventTime: number } | undefined;

  add(value: unknown, eventTime: number): void {
    if (!Number.isFinite(eventTime)) {
      throw new AggregateValueError('AGGREGATE_VALUE_INVALID', `last needs an event time in milliseconds, got ${String(eventTime)}`);
    }
    if (isMissing(value)) {
      this.skipped += 1;
      return;
    }
    this.offer(value, eventTime);
  }

  merge(other: MeasureAccumulator): void {
    const that = sameMeasure(this, other);
    if (that.latest !== undefined) this.offer(that.latest.value, that.latest.eventTime);
    this.skipped += that.skipped;
  }

  result(): unknown {
    return this.latest?.value ?? null;
  }

  toBytes(): Buffer {
    const writer = stateWriter(this.kind)
      .varint(this.skipped)
      .flag(this.latest !== undefined);
    if (this.latest !== undefined) writer.double(this.latest.eventTime).text(JSON.stringify(this.latest.value));
    return writer.toBuffer();
  }

  static fromBytes(bytes: Uint8Array): LastAccumulator {
    const reader = stateReader(bytes, 'last');
    const accumulator = new LastAccumulator();
    accumulator.skipped = reader.varint();
    if (reader.flag()) {
      const eventTime = reader.double();
      if (!Number.isFinite(eventTime)) reader.fail(`event time ${eventTime}`);
      const json = reader.text();
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch (error) {
        reader.fail('a value that is not JSON', error);
      }
      accumulator.latest = { value, eventTime };
    }
    reader.end();
    return accumulator;
  }

  private offer(value: unknown, eventTime: number): void {
    if (this.latest === undefined || eventTime >= this.latest.eventTime) this.latest = { value, eventTime };
  }
}
