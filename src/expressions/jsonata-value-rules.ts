import { FAST_PATH_EXIT } from './fast-path-exit.js';

/*
 * JSONata's rules for values, as the fast path applies them: the same answers jsonata 2.x gives,
 * written for plain values. Wherever jsonata would raise an error instead (an infinite number, a
 * value of the wrong kind), these throw FAST_PATH_EXIT so that jsonata evaluates the expression
 * and raises its own error.
 */

/** A jsonata sequence or array constructor result carries flags that change how paths flatten it. */
export function isFlaggedArray(value: unknown[]): boolean {
  return (value as { sequence?: unknown }).sequence === true || (value as { cons?: unknown }).cons === true;
}

/** jsonata treats objects carrying its internal function markers as functions, not data. */
export function isJsonataFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return flags._jsonata_function === true || flags._jsonata_lambda === true;
}

/** A number arithmetic accepts: NaN is not one; an infinite number is jsonata's error D1001. */
export function isArithmeticNumber(value: unknown): value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) return false;
  if (!Number.isFinite(value)) throw FAST_PATH_EXIT;
  return true;
}

/**
 * The effective boolean value (`$boolean`): undefined stays undefined; empty strings, zero, null,
 * empty arrays and objects are false; an array is true when any of its items is.
 */
export function truthOf(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 1) return truthOf(value[0]);
    // Every item is looked at, not just up to the first true one: jsonata does, and an item it
    // cannot judge (an infinite number) is an error even after a true one.
    let any = false;
    for (const item of value) if (truthOf(item)) any = true;
    return any;
  }
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return isArithmeticNumber(value) && value !== 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object' && value !== null && !isJsonataFunction(value)) return Object.keys(value).length > 0;
  return false;
}

/** `and`, `or` and conditions read a missing value as false. */
export function isTrue(value: unknown): boolean {
  return truthOf(value) === true;
}

/**
 * A value as text (`$string`, the operands of `&`): strings as they are, numbers with at most 15
 * significant digits (so 0.1 + 0.2 reads "0.3"), anything else as JSON.
 */
export function textOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw FAST_PATH_EXIT;
    return String(Number.isInteger(value) ? value : Number(value.toPrecision(15)));
  }
  if (isJsonataFunction(value)) return '';
  return JSON.stringify(value, jsonNumberForm);
}

function jsonNumberForm(_key: string, value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return value;
    if (!Number.isFinite(value)) throw FAST_PATH_EXIT;
    return Number.isInteger(value) ? value : Number(value.toPrecision(15));
  }
  return value !== null && value !== undefined && isJsonataFunction(value) ? '' : value;
}
