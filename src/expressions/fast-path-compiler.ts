import { HubError } from '../core/hub-error.js';
import { DOMAIN_FUNCTIONS } from './domain-functions.js';
import { FAST_PATH_EXIT } from './fast-path-exit.js';
import { FAST_BUILTIN_FUNCTIONS, type FastFunction } from './fast-path-functions.js';
import type { AstNode } from './jsonata-ast.js';
import { positionFilter, predicateFilter, type PathFilter } from './jsonata-path-filter.js';
import { readPath, type PathStep } from './jsonata-path-lookup.js';
import { isArithmeticNumber, isTrue, textOf, truthOf } from './jsonata-value-rules.js';

/** An expression compiled to a closure over the input record; throws FAST_PATH_EXIT to hand an input to jsonata. */
export type FastEvaluator = (input: unknown) => unknown;

type Literal = string | number | boolean | null;

// Node properties that change what a node means (predicates, grouping, focus and index bindings,
// singleton arrays, parent lookups): a node carrying any of them is outside the compiled subset,
// except the predicates of a path step (`stages`), which compilePath compiles.
const MODIFIERS = [
  'predicate',
  'stages',
  'group',
  'focus',
  'index',
  'tuple',
  'keepArray',
  'keepSingletonArray',
  'ancestor',
  'seekingParent',
] as const;

// Keys jsonata refuses in object constructors (its own function markers), and one that would set a
// plain object's prototype instead of a field.
const RESERVED_KEYS = new Set(['_jsonata_function', '_jsonata_lambda', '__proto__']);

/**
 * Compiles the common subset of JSONata straight into closures: field paths (with predicates such
 * as `phones[primary][0]` or `addresses[type = "HOME"]`), literals,
 * comparisons, `and`/`or`, `in` with a literal array, arithmetic, `&`, conditions, parentheses,
 * object constructors and a few functions (see FAST_BUILTIN_FUNCTIONS and the domain functions).
 * Returns undefined when any part of the expression is outside the subset; the whole expression is
 * then left to jsonata, because mixing the two for parts of one expression would cost more than it
 * saves. Nothing is generated as source code: each node becomes a closure over its children.
 */
export function compileFastPath(ast: AstNode): FastEvaluator | undefined {
  try {
    return compileNode(ast);
  } catch (error) {
    if (error === NOT_IN_SUBSET) return undefined;
    throw error;
  }
}

// Thrown while compiling, caught in compileFastPath: never seen outside this module. One instance,
// because compiling gives up this way for every expression outside the subset.
const NOT_IN_SUBSET = new HubError('EXPRESSION_NOT_IN_SUBSET', 'the expression is outside the compiled subset');

function outside(): never {
  throw NOT_IN_SUBSET;
}

function hasModifier(node: AstNode, allowed?: (typeof MODIFIERS)[number]): boolean {
  return MODIFIERS.some((key) => key !== allowed && node[key] !== undefined);
}

function compileNode(node: AstNode): FastEvaluator {
  if (hasModifier(node)) outside();
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const value = literalOf(node);
      return () => value;
    }
    case 'path':
      return compilePath(node);
    case 'binary':
      return compileBinary(node);
    case 'unary':
      return compileUnary(node);
    case 'condition':
      return compileCondition(node);
    case 'block':
      if (node.expressions?.length !== 1) outside();
      return compileNode(node.expressions[0] as AstNode);
    case 'function':
      return compileCall(node);
    default:
      return outside();
  }
}

function literalOf(node: AstNode): Literal {
  const value = node.value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return outside();
}

function compilePath(node: AstNode): FastEvaluator {
  const steps = (node.steps ?? []).map((step): PathStep => {
    if (step.type !== 'name' || typeof step.value !== 'string' || hasModifier(step, 'stages')) outside();
    return step.stages ? { name: step.value, filter: compileStages(step.stages) } : { name: step.value };
  });
  if (steps.length === 0) outside();
  return (input) => readPath(input, steps);
}

/** A step's predicates, applied one after the other to what the step found. */
function compileStages(stages: AstNode[]): PathFilter {
  const filters = stages.map(compileStage);
  if (filters.length === 1) return filters[0]!;
  return (found) => filters.reduce<unknown>((items, filter) => filter(items), found) as unknown[];
}

function compileStage(stage: AstNode): PathFilter {
  const predicate = stage.expr;
  if (stage.type !== 'filter' || !predicate || hasModifier(stage)) return outside();
  // jsonata takes a number literal as a position straight away, without evaluating it as a predicate.
  if (predicate.type === 'number') {
    if (hasModifier(predicate) || typeof predicate.value !== 'number') outside();
    return positionFilter(predicate.value);
  }
  return predicateFilter(compileNode(predicate));
}

function compileBinary(node: AstNode): FastEvaluator {
  const operator = node.value;
  if (operator === 'in') return compileIn(node);
  const left = compileNode(node.lhs as AstNode);
  const right = compileNode(node.rhs as AstNode);
  switch (operator) {
    case 'and':
      return (input) => isTrue(left(input)) && isTrue(right(input));
    case 'or':
      return (input) => isTrue(left(input)) || isTrue(right(input));
    case '=':
      return (input) => equals(left(input), right(input));
    case '!=':
      return (input) => {
        const a = left(input);
        const b = right(input);
        return a !== undefined && b !== undefined && !equals(a, b);
      };
    case '<':
      return (input) => compare(left(input), right(input), (a, b) => a < b);
    case '<=':
      return (input) => compare(left(input), right(input), (a, b) => a <= b);
    case '>':
      return (input) => compare(left(input), right(input), (a, b) => a > b);
    case '>=':
      return (input) => compare(left(input), right(input), (a, b) => a >= b);
    case '+':
      return (input) => arithmetic(left(input), right(input), (a, b) => a + b);
    case '-':
      return (input) => arithmetic(left(input), right(input), (a, b) => a - b);
    case '*':
      return (input) => arithmetic(left(input), right(input), (a, b) => a * b);
    case '/':
      return (input) => arithmetic(left(input), right(input), (a, b) => a / b);
    case '%':
      return (input) => arithmetic(left(input), right(input), (a, b) => a % b);
    case '&':
      return (input) => (textOf(left(input)) ?? '') + (textOf(right(input)) ?? '');
    default:
      return outside();
  }
}

/** `=`: false when either side is missing; values compare strictly; two objects or arrays are jsonata's to compare deeply. */
function equals(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) throw FAST_PATH_EXIT;
  return a === b;
}

/** `<` and friends: only strings and numbers, both of one kind; a missing side gives undefined (which is falsy). */
function compare(a: unknown, b: unknown, test: (a: string | number, b: string | number) => boolean): boolean | undefined {
  const aType = typeof a;
  const bType = typeof b;
  if (
    (aType !== 'string' && aType !== 'number' && aType !== 'undefined') ||
    (bType !== 'string' && bType !== 'number' && bType !== 'undefined')
  )
    throw FAST_PATH_EXIT;
  if (a === undefined || b === undefined) return undefined;
  if (aType !== bType) throw FAST_PATH_EXIT;
  return test(a as string | number, b as string | number);
}

function arithmetic(a: unknown, b: unknown, operate: (a: number, b: number) => number): number | undefined {
  if ((a !== undefined && !isArithmeticNumber(a)) || (b !== undefined && !isArithmeticNumber(b))) throw FAST_PATH_EXIT;
  if (a === undefined || b === undefined) return undefined;
  return operate(a, b);
}

/** `x in [...]` with literal items: strict equality with any item; false when x is missing. */
function compileIn(node: AstNode): FastEvaluator {
  const list = node.rhs;
  if (!list || list.type !== 'unary' || list.value !== '[' || hasModifier(list)) outside();
  const items = (list.expressions ?? []).map((item) =>
    item.type === 'string' || item.type === 'number' || item.type === 'value' ? literalOf(item) : outside(),
  );
  const left = compileNode(node.lhs as AstNode);
  // A Set answers the same as === for these literals (no NaN among them) and is faster for long lists.
  const set = new Set<unknown>(items);
  return (input) => {
    const value = left(input);
    return value !== undefined && set.has(value);
  };
}

function compileUnary(node: AstNode): FastEvaluator {
  if (node.value === '-') {
    const operand = compileNode(node.expression as AstNode);
    return (input) => {
      const value = operand(input);
      if (value === undefined) return undefined;
      if (!isArithmeticNumber(value)) throw FAST_PATH_EXIT;
      return -value;
    };
  }
  if (node.value === '{') return compileObject(node);
  return outside();
}

/**
 * `{ "key": expr, ... }` with literal keys: the fields whose value is missing are left out. The
 * result is an ordinary object, where jsonata builds one without a prototype: same fields, and
 * safer for code downstream that calls object methods.
 */
function compileObject(node: AstNode): FastEvaluator {
  const pairs = (node.lhs ?? []) as [AstNode, AstNode][];
  const keys = new Set<string>();
  const fields = pairs.map(([keyNode, valueNode]) => {
    const key = keyNode.type === 'string' && !hasModifier(keyNode) ? literalOf(keyNode) : outside();
    // A repeated key is jsonata's error D1009.
    if (typeof key !== 'string' || RESERVED_KEYS.has(key) || keys.has(key)) outside();
    keys.add(key);
    return { key, value: compileNode(valueNode) };
  });
  return (input) => {
    const result: Record<string, unknown> = {};
    for (const field of fields) {
      const value = field.value(input);
      if (value !== undefined) result[field.key] = value;
    }
    return result;
  };
}

function compileCondition(node: AstNode): FastEvaluator {
  const condition = compileNode(node.condition as AstNode);
  const then = compileNode(node.then as AstNode);
  const otherwise = node.else === undefined ? undefined : compileNode(node.else);
  return (input) => (truthOf(condition(input)) ? then(input) : otherwise?.(input));
}

function compileCall(node: AstNode): FastEvaluator {
  const procedure = node.procedure;
  if (!procedure || procedure.type !== 'variable' || typeof procedure.value !== 'string' || hasModifier(procedure)) return outside();
  const fn: FastFunction | undefined = Object.hasOwn(FAST_BUILTIN_FUNCTIONS, procedure.value)
    ? FAST_BUILTIN_FUNCTIONS[procedure.value]
    : Object.hasOwn(DOMAIN_FUNCTIONS, procedure.value)
      ? DOMAIN_FUNCTIONS[procedure.value]
      : undefined;
  const args = (node.arguments ?? []).map(compileNode);
  if (!fn || args.length < fn.minArgs || args.length > fn.maxArgs) return outside();
  const call = fn.call;
  const [first, second, third] = args;
  switch (args.length) {
    case 1:
      return (input) => call(first!(input));
    case 2:
      return (input) => call(first!(input), second!(input));
    default:
      return (input) => call(first!(input), second!(input), third!(input));
  }
}
