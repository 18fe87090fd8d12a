import { expressionText } from '../../expressions/expression-results.js';
import { StepMessageError } from './step-message-error.js';

/**
 * An expression's value used as a key (a message key, a table key, a dedupe key): strings as they
 * are, numbers and booleans as JSONata's $string writes them. Anything else is a mistake in the
 * flow that no retry fixes.
 */
export function keyText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return expressionText(value) as string;
  if (value === undefined || value === null) throw new StepMessageError('FLOW_KEY_MISSING', `${what}: the expression gave no value`);
  throw new StepMessageError(
    'FLOW_KEY_INVALID',
    `${what}: the expression gave ${Array.isArray(value) ? 'an array' : 'an object'}; a key must be a string or a number`,
  );
}
