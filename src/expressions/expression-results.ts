import { FastPathExit } from './fast-path-exit.js';
import { textOf, truthOf } from './jsonata-value-rules.js';

/*
 * How steps read what an expression gave: as a condition (filter, route) or as text (keys, URL
 * placeholders, log lines). The rules are JSONata's ($boolean, $string), so that a condition means
 * the same in a step as inside an expression. Where JSONata raises an error instead (an infinite
 * number), a step has no reason to fail: such a number is true, and its text is "Infinity".
 */

/** JSONata's effective boolean value; a missing value is false. */
export function expressionTruth(value: unknown): boolean {
  try {
    return truthOf(value) === true;
  } catch (error) {
    if (error instanceof FastPathExit) return true;
    throw error;
  }
}

/** JSONata's `$string` of the value (undefined stays undefined). */
export function expressionText(value: unknown): string | undefined {
  try {
    return textOf(value);
  } catch (error) {
    if (error instanceof FastPathExit)
      return typeof value === 'number'
        ? String(value)
        : JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? String(item) : item));
    throw error;
  }
}
