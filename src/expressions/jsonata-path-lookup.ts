import { FAST_PATH_EXIT } from './fast-path-exit.js';
import type { PathFilter } from './jsonata-path-filter.js';
import { isFlaggedArray, isJsonataFunction } from './jsonata-value-rules.js';

/** One step of a path: a field name, and its predicates (`phones[primary][0]`) when it has any. */
export interface PathStep {
  name: string;
  filter?: PathFilter;
}

/**
 * A dotted path (`meta.eventType`, `phones.number`, `addresses[type = "HOME"][0].city`) read the
 * way JSONata reads it: a missing field gives undefined; arrays on the way are mapped over, and the
 * values found are flattened one level into a sequence; a step's predicates filter what it found in
 * each input; a sequence of one value is that value, an empty one is undefined; an array that is the
 * single value of the last step (without predicates) is returned as it is.
 *
 * Records are nearly always plain objects all the way down, so that case is walked directly; the
 * first array or predicate met hands over to the general walk.
 */
export function readPath(root: unknown, steps: readonly PathStep[]): unknown {
  let value = root;
  for (const step of steps) {
    if (step.filter) return readPathThroughArrays(root, steps);
    if (typeof value !== 'object' || value === null) return undefined;
    if (Array.isArray(value)) return readPathThroughArrays(root, steps);
    value = ownField(value, step.name);
  }
  if (Array.isArray(value) && isFlaggedArray(value)) throw FAST_PATH_EXIT;
  return value;
}

// Inherited properties (an avsc record's clone, toBuffer...) are not fields; jsonata agrees.
function ownField(object: object, name: string): unknown {
  const value = (object as Record<string, unknown>)[name];
  if (value === undefined || !Object.hasOwn(object, name) || isJsonataFunction(object)) return undefined;
  return value;
}

/** The marker jsonata puts on the arrays it builds as sequences (as opposed to arrays in the data). */
type Sequence = unknown[] & { sequence?: true };

function sequence(): Sequence {
  const values: Sequence = [];
  values.sequence = true;
  return values;
}

function readPathThroughArrays(root: unknown, steps: readonly PathStep[]): unknown {
  let inputs: unknown[] = [root];
  let raw = false;
  for (let index = 0; index < steps.length; index++) {
    const { name, filter } = steps[index] as PathStep;
    if (filter) {
      // What a predicate keeps is a sequence, flattened into the step's result whatever the step.
      const kept = sequence();
      for (const input of inputs) for (const item of filter(readName(input, name))) kept.push(item);
      inputs = kept;
      if (inputs.length === 0) break;
      continue;
    }
    const found: unknown[] = [];
    for (const input of inputs) {
      const value = readName(input, name);
      if (value !== undefined) found.push(value);
    }
    const only = found[0];
    if (index === steps.length - 1 && found.length === 1 && Array.isArray(only) && (only as Sequence).sequence !== true) {
      // The last step found one array in the data: that array is the result, not its items.
      inputs = only;
      raw = true;
    } else {
      const flattened = sequence();
      for (const value of found) {
        if (Array.isArray(value)) {
          if ((value as { cons?: unknown }).cons === true) throw FAST_PATH_EXIT;
          for (const item of value) flattened.push(item);
        } else {
          flattened.push(value);
        }
      }
      inputs = flattened;
    }
    if (inputs.length === 0) break;
  }
  if (raw) return inputs;
  return inputs.length === 0 ? undefined : inputs.length === 1 ? inputs[0] : inputs;
}

/** One name applied to one value, as one step of a path evaluates it (lookup, then a sequence of one is its value). */
function readName(input: unknown, name: string): unknown {
  if (typeof input !== 'object' || input === null) return undefined;
  if (!Array.isArray(input)) {
    const value = ownField(input, name);
    if (Array.isArray(value) && isFlaggedArray(value)) throw FAST_PATH_EXIT;
    return value;
  }
  const values = collectFromArray(input, name);
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}

/** A name looked up in every item of an array (and of nested arrays), the arrays found spread into one sequence. */
function collectFromArray(items: unknown[], name: string): Sequence {
  const values = sequence();
  for (const item of items) {
    let value: unknown;
    if (Array.isArray(item)) value = collectFromArray(item, name);
    else if (typeof item === 'object' && item !== null) value = ownField(item, name);
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const inner of value) values.push(inner);
    else values.push(value);
  }
  return values;
}
