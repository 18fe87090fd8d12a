import { FAST_PATH_EXIT } from './fast-path-exit.js';
import { truthOf } from './jsonata-value-rules.js';

/**
 * A predicate (`[...]`) of a path step, applied to what the step found in one input, as jsonata's
 * evaluateFilter applies it: a single value is a sequence of one; the items kept, in order. Where
 * jsonata's answer depends on something these closures do not model — an array among the items
 * (data with nested arrays), a missing value kept as a member of the sequence — the expression
 * exits to jsonata.
 */
export type PathFilter = (found: unknown) => unknown[];

/** `[0]`, `[-1]`: the item at that position, counted from the end when negative, the position rounded down. */
export function positionFilter(position: number): PathFilter {
  return (found) => {
    const items = Array.isArray(found) ? found : [found];
    const item = items[positionIn(position, items.length)];
    if (item === undefined) return [];
    if (Array.isArray(item)) throw FAST_PATH_EXIT;
    return [item];
  };
}

/**
 * `[type = "HOME"]`, `[primary]`: the items for which the predicate, read with the item as its
 * context, is true — or, when it gives a number or an array of numbers, the items at those
 * positions (once per matching number, as jsonata does).
 */
export function predicateFilter(test: (item: unknown) => unknown): PathFilter {
  return (found) => {
    const items = Array.isArray(found) ? found : [found];
    const kept: unknown[] = [];
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (Array.isArray(item)) throw FAST_PATH_EXIT;
      const times = timesKept(test(item), index, items.length);
      if (times > 0 && item === undefined) throw FAST_PATH_EXIT;
      for (let time = 0; time < times; time++) kept.push(item);
    }
    return kept;
  };
}

function timesKept(result: unknown, index: number, length: number): number {
  if (typeof result === 'number' && !Number.isNaN(result)) {
    // An infinite number is jsonata's error D1001.
    if (!Number.isFinite(result)) throw FAST_PATH_EXIT;
    return positionIn(result, length) === index ? 1 : 0;
  }
  if (Array.isArray(result)) {
    if (result.some((item) => typeof item === 'number' && !Number.isFinite(item) && !Number.isNaN(item))) throw FAST_PATH_EXIT;
    if (result.every((item) => typeof item === 'number' && !Number.isNaN(item)))
      return result.filter((item) => positionIn(item as number, length) === index).length;
  }
  return truthOf(result) === true ? 1 : 0;
}

function positionIn(position: number, length: number): number {
  const rounded = Math.floor(position);
  return rounded < 0 ? length + rounded : rounded;
}
