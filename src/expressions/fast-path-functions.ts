import { FAST_PATH_EXIT } from './fast-path-exit.js';
import { isArithmeticNumber, isJsonataFunction, textOf, truthOf } from './jsonata-value-rules.js';

/** A function the fast path can call directly, with the argument counts it is compiled for. */
export interface FastFunction {
  minArgs: number;
  maxArgs: number;
  call(...args: unknown[]): unknown;
}

/*
 * The JSONata built-in functions the fast path evaluates itself, each giving jsonata 2.x's result.
 * Arguments jsonata's signature check would refuse (an array for a string, null for a number) exit
 * to jsonata, which raises its own error. Calls with fewer arguments than listed (which take the
 * context value instead) are left to jsonata by the compiler.
 */
export const FAST_BUILTIN_FUNCTIONS: Readonly<Record<string, FastFunction>> = {
  string: { minArgs: 1, maxArgs: 1, call: (value) => textOf(value) },
  number: { minArgs: 1, maxArgs: 1, call: toNumber },
  uppercase: { minArgs: 1, maxArgs: 1, call: (value) => (value === undefined ? undefined : text(value).toUpperCase()) },
  lowercase: { minArgs: 1, maxArgs: 1, call: (value) => (value === undefined ? undefined : text(value).toLowerCase()) },
  length: { minArgs: 1, maxArgs: 1, call: (value) => (value === undefined ? undefined : codePointCount(text(value))) },
  substring: { minArgs: 2, maxArgs: 3, call: substring },
  exists: { minArgs: 1, maxArgs: 1, call: (value) => value !== undefined },
  boolean: { minArgs: 1, maxArgs: 1, call: truthOf },
  not: { minArgs: 1, maxArgs: 1, call: (value) => (value === undefined ? undefined : !truthOf(value)) },
  round: { minArgs: 1, maxArgs: 2, call: round },
  count: { minArgs: 1, maxArgs: 1, call: count },
};

/** Items of an array (or sequence); a missing value has none, any other value is one. */
function count(value: unknown): number {
  if (value === undefined) return 0;
  if (Array.isArray(value)) return value.length;
  if (isJsonataFunction(value)) throw FAST_PATH_EXIT;
  return 1;
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw FAST_PATH_EXIT;
  return value;
}

function optionalNumber(value: unknown): number | undefined {
  if (value !== undefined && typeof value !== 'number') throw FAST_PATH_EXIT;
  return value;
}

const DECIMAL_TEXT = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;

function toNumber(value: unknown): unknown {
  if (value === undefined || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && DECIMAL_TEXT.test(value)) {
    const parsed = Number.parseFloat(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  // Hexadecimal, octal and binary text, and everything jsonata refuses, are jsonata's to answer.
  throw FAST_PATH_EXIT;
}

// JSONata counts characters as Unicode code points, so an emoji or a rare CJK character is one.
function codePointCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function substring(value: unknown, start: unknown, length?: unknown): unknown {
  const from = optionalNumber(start);
  const count = optionalNumber(length);
  if (value === undefined) return undefined;
  const characters = Array.from(text(value));
  // A negative start counts from the end; one before the beginning starts at the beginning.
  let first = from as number;
  if (characters.length + first < 0) first = 0;
  if (count === undefined) return characters.slice(first).join('');
  if (count <= 0) return '';
  const end = first >= 0 ? first + count : characters.length + first + count;
  return characters.slice(first, end).join('');
}

/** Round half to even, at `precision` decimal places (negative: tens, hundreds...). */
function round(value: unknown, precision?: unknown): unknown {
  const places = optionalNumber(precision);
  if (value === undefined) return undefined;
  if (!isArithmeticNumber(value) || (places !== undefined && !Number.isInteger(places))) throw FAST_PATH_EXIT;
  // Shifting the decimal point in the number's text, not by multiplying, keeps 2.675 from turning
  // into 267.49999999999997 before it is rounded.
  const shifted = places ? shiftDecimalPoint(value, places) : value;
  let rounded = Math.round(shifted);
  if (rounded - shifted === 0.5 && rounded % 2 !== 0) rounded -= 1;
  const result = places ? shiftDecimalPoint(rounded, -places) : rounded;
  return Object.is(result, -0) ? 0 : result;
}

function shiftDecimalPoint(value: number, places: number): number {
  const [mantissa, exponent] = String(value).split('e');
  return Number(`${mantissa}e${Number(exponent ?? 0) + places}`);
}
