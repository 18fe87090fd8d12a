import { AggregateValueError } from './aggregate-value-error.js';
import { ExactDecimal } from './exact-decimal.js';
import type { MeasureKind } from './measure-accumulator.js';

/** A value a numeric measure takes (a number or decimal text, as Avro decimals are held) as an exact decimal. */
export function numericValue(kind: MeasureKind, value: unknown): ExactDecimal {
  const decimal = ExactDecimal.of(value);
  if (decimal === undefined) {
    // The kind of value, never the value: the message travels in dead-letter headers and logs, where personal data must not.
    const shown = typeof value === 'string' ? 'text that is not a decimal' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new AggregateValueError('AGGREGATE_VALUE_INVALID', `${kind} takes numbers or decimal text, got ${shown}`);
  }
  return decimal;
}
