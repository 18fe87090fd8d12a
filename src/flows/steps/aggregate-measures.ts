import type { CompiledExpression } from '../../expressions/compiled-expression.js';
import type { AccumulatorSpec } from '../aggregate/measure-accumulators.js';
import type { StepCompileContext } from '../flow-step.js';
import { compileStepExpression } from './step-expression.js';

/** One measure as written under an aggregate step's `measures:` (the step's spec allows exactly one kind per measure). */
export interface MeasureConfig {
  count?: boolean;
  sum?: string;
  min?: string;
  max?: string;
  avg?: string;
  percentile?: { of: string; p: number };
  countDistinct?: string;
  last?: string;
}

/** A measure read once at compile time: its output field, what accumulates it and the expression giving each record's value. */
export interface MeasureDefinition {
  readonly name: string;
  readonly spec: AccumulatorSpec;
  /** Undefined for `count`, which takes no value. */
  readonly of?: CompiledExpression;
}

/**
 * Reads the `measures:` of an aggregate step: each `of` expression compiled against the step's
 * input type (unknown fields reported at `measures.<name>.<kind>`), a percentile's `p` checked.
 * Measures with problems are reported and left out; the flow then does not start.
 */
export function compileMeasures(context: StepCompileContext, measures: Record<string, MeasureConfig>): MeasureDefinition[] {
  const definitions: MeasureDefinition[] = [];
  for (const [name, config] of Object.entries(measures)) {
    const path = ['measures', name];
    if (config.count !== undefined) {
      if (config.count !== true) context.report([...path, 'count'], 'VALUE_INVALID', 'count takes `true` (it counts records, not a field)');
      else definitions.push({ name, spec: { kind: 'count' } });
    } else if (config.percentile !== undefined) {
      const { of, p } = config.percentile;
      const expression = compileStepExpression(context, [...path, 'percentile', 'of'], of);
      if (!(p > 0 && p < 1))
        context.report(
          [...path, 'percentile', 'p'],
          'VALUE_INVALID',
          `p is the rank as a fraction strictly between 0 and 1 (0.9 for the 90th percentile), got ${p}; use min or max for the ends`,
        );
      else definitions.push({ name, spec: { kind: 'percentile', p }, of: expression });
    } else {
      const kind = (['sum', 'min', 'max', 'avg', 'countDistinct', 'last'] as const).find((candidate) => config[candidate] !== undefined);
      // The spec lets exactly one kind through; nothing here means the spec changed without this function.
      if (kind === undefined) {
        context.report(path, 'VALUE_INVALID', 'a measure names one kind: count, sum, min, max, avg, percentile, countDistinct or last');
        continue;
      }
      definitions.push({ name, spec: { kind }, of: compileStepExpression(context, [...path, kind], config[kind]!) });
    }
  }
  return definitions;
}
