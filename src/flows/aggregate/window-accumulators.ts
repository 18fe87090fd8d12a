import { HubError } from '../../core/hub-error.js';
import { AggregateStateError } from './aggregate-state-error.js';
import { AggregateValueError } from './aggregate-value-error.js';
import type { MeasureAccumulator } from './measure-accumulator.js';
import { accumulatorFromBytes, createAccumulator, type AccumulatorSpec } from './measure-accumulators.js';

/** What the accumulators need of a measure: its output name and its kind. */
export interface WindowMeasure {
  readonly name: string;
  readonly spec: AccumulatorSpec;
}

/**
 * One open window of one group as kept in the step's state (JSON in the changelog): the group value
 * as `groupBy` gave it, the updates emitted so far, where its first record came from, and each
 * measure's accumulator state (see state-bytes.ts) as base64.
 */
export interface StoredWindow {
  group: string | number | boolean;
  updates: number;
  topic: string;
  measures: Record<string, string>;
}

/** The accumulators of one window of one group, read from state or new, to be added to, merged and written back. */
export class WindowAccumulators {
  private constructor(
    private readonly definitions: readonly WindowMeasure[],
    private readonly accumulators: MeasureAccumulator[],
    /** The group value as groupBy gave it, so that the output record has it with its type. */
    readonly group: string | number | boolean,
    /** How many update records (`emit: every`) were emitted, numbering their ids. */
    public updates: number,
    readonly topic: string,
  ) {}

  static create(definitions: readonly WindowMeasure[], group: string | number | boolean, topic: string): WindowAccumulators {
    return new WindowAccumulators(
      definitions,
      definitions.map((definition) => createAccumulator(definition.spec)),
      group,
      0,
      topic,
    );
  }

  /**
   * A window read back from state. A measure the state lacks, or holds for another kind or
   * percentile, starts empty: the flow's measures were changed while the window was open, and it
   * counts from the change on. State that is not one this class wrote is AGGREGATE_STATE_CORRUPT.
   */
  static read(definitions: readonly WindowMeasure[], stored: unknown, where: string): WindowAccumulators {
    if (!isStoredWindow(stored)) throw new AggregateStateError(`The stored window ${where} is corrupt: not a window's state`);
    const accumulators = definitions.map((definition) => {
      const bytes = stored.measures[definition.name];
      if (typeof bytes !== 'string') return createAccumulator(definition.spec);
      const accumulator = accumulatorFromBytes(Buffer.from(bytes, 'base64'));
      return matches(accumulator, definition.spec) ? accumulator : createAccumulator(definition.spec);
    });
    return new WindowAccumulators(definitions, accumulators, stored.group, stored.updates, stored.topic);
  }

  /** Adds one record: `values[i]` for measure i (ignored by count). A value a measure cannot take fails the record, naming the measure. */
  add(values: readonly unknown[], eventTime: number): void {
    this.accumulators.forEach((accumulator, index) => {
      try {
        accumulator.add(values[index], eventTime);
      } catch (error) {
        throw measureError(this.definitions[index]!, error);
      }
    });
  }

  /** Folds in another window's accumulators (sessions a record joined into one). */
  merge(other: WindowAccumulators): void {
    this.accumulators.forEach((accumulator, index) => accumulator.merge(other.accumulators[index]!));
    this.updates = Math.max(this.updates, other.updates);
  }

  /** Each measure's value by its name. */
  results(): Record<string, unknown> {
    const results: Record<string, unknown> = {};
    this.definitions.forEach((definition, index) => (results[definition.name] = this.accumulators[index]!.result()));
    return results;
  }

  toStored(): StoredWindow {
    const measures: Record<string, string> = {};
    this.definitions.forEach((definition, index) => (measures[definition.name] = this.accumulators[index]!.toBytes().toString('base64')));
    return { group: this.group, updates: this.updates, topic: this.topic, measures };
  }
}

function matches(accumulator: MeasureAccumulator, spec: AccumulatorSpec): boolean {
  if (accumulator.kind !== spec.kind) return false;
  return spec.kind !== 'percentile' || (accumulator as MeasureAccumulator & { p: number }).p === spec.p;
}

/**
 * The failure of a record a measure refused, naming the measure and what it takes but not the
 * value: the message travels in dead-letter headers, where personal data must not.
 */
function measureError(definition: WindowMeasure, error: unknown): Error {
  const code = error instanceof HubError && error.code === 'AGGREGATE_MERGE_MISMATCH' ? error.code : 'AGGREGATE_VALUE_INVALID';
  return new AggregateValueError(
    code,
    `measure ${definition.name}: ${definition.spec.kind} takes numbers or decimal text, and the record's value is not one`,
  );
}

function isStoredWindow(value: unknown): value is StoredWindow {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as Partial<StoredWindow>;
  return (
    ['string', 'number', 'boolean'].includes(typeof stored.group) &&
    Number.isSafeInteger(stored.updates) &&
    typeof stored.topic === 'string' &&
    typeof stored.measures === 'object' &&
    stored.measures !== null
  );
}
