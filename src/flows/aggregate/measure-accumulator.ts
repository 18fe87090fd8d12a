import { AggregateValueError } from './aggregate-value-error.js';
import { StateReader, StateWriter } from './state-bytes.js';

/** The measures of the `aggregate` step, as named in a flow file. */
export type MeasureKind = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'percentile' | 'countDistinct' | 'last';

/**
 * One measure of one window of one group. `add` takes a record's value and event time; `merge`
 * folds in another accumulator of the same measure (hopping windows, restored state) so that
 * merging equals adding both sides' values into one, the other side's counted as added later;
 * `toBytes` is the state stored in the compacted topic, read back by `accumulatorFromBytes`.
 */
export interface MeasureAccumulator {
  readonly kind: MeasureKind;
  /** Values that were null or missing: skipped, never counted as zero, and counted here (always 0 for `count`). */
  readonly skipped: number;
  add(value: unknown, eventTime: number): void;
  merge(other: MeasureAccumulator): void;
  result(): unknown;
  toBytes(): Buffer;
}

/**
 * The first byte of every stored state. A later layout gets a new number and this one stays
 * readable, so state written before an upgrade is never lost to it.
 */
export const STATE_FORMAT_VERSION = 1;

/** The second byte: which measure wrote the state. Stored, so never renumbered. */
export const MEASURE_CODES: Readonly<Record<MeasureKind, number>> = {
  count: 1,
  sum: 2,
  min: 3,
  max: 4,
  avg: 5,
  percentile: 6,
  countDistinct: 7,
  last: 8,
};

/** A writer with the header of `kind`'s state already written. */
export function stateWriter(kind: MeasureKind): StateWriter {
  return new StateWriter().byte(STATE_FORMAT_VERSION).byte(MEASURE_CODES[kind]);
}

/** A reader past the header, after checking that the header is `kind`'s. */
export function stateReader(bytes: Uint8Array, kind: MeasureKind): StateReader {
  const reader = new StateReader(bytes, `${kind} state`);
  const version = reader.byte();
  if (version !== STATE_FORMAT_VERSION) reader.fail(`format version ${version}, this hub reads version ${STATE_FORMAT_VERSION}`);
  const code = reader.byte();
  if (code !== MEASURE_CODES[kind]) reader.fail(`it was written by measure code ${code}, not by ${kind} (${MEASURE_CODES[kind]})`);
  return reader;
}

/** `other` as the same class as `self`, or an AggregateValueError naming both measures. */
export function sameMeasure<T extends MeasureAccumulator>(self: T, other: MeasureAccumulator): T {
  if (other.kind !== self.kind || other.constructor !== self.constructor) {
    throw new AggregateValueError('AGGREGATE_MERGE_MISMATCH', `cannot merge a ${other.kind} accumulator into a ${self.kind} accumulator`);
  }
  return other as T;
}

/** Null and missing values are skipped by every measure that reads a field. */
export function isMissing(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}
