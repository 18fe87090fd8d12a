import type { ErrorObject } from 'ajv';
import { closestNames } from '../../core/closest-names.js';

/** Where in a value: keys and array positions. */
export type DataPath = readonly (string | number)[];

/** One way a value fails its JSON Schema, in the hub's words. */
export interface SchemaIssue {
  /** Where: for a missing key, an unknown key or a bad key name, the key is the last segment. */
  path: DataPath;
  /** The key (last segment of `path`) the issue is about, when it is about a key below the failing value. */
  key?: string;
  /** Whether the key itself is wrong (unknown, badly named) rather than its value. */
  part: 'key' | 'value';
  /** What was expected, never what was found: the value may be a secret. */
  message: string;
  /** ajv's error, for callers that classify issues or add to them. */
  error: ErrorObject;
}

/**
 * ajv's errors (of an ajv from createJsonSchemaAjv, with `verbose`) as issues: a misspelt key is told
 * "did you mean" once (not also "is required" for the key it meant), alternatives (`oneOf`, `anyOf`)
 * report the one branch that fits the value or say that none does, and an issue said twice is said
 * once. `data` is the value validated: it tells an array position from a key that reads as a number.
 */
export function schemaIssues(errors: readonly ErrorObject[] | null | undefined, data: unknown): SchemaIssue[] {
  const relevant = relevantErrors(errors ?? []);
  // A key misspelt (`stepz:`) is told "did you mean steps"; "steps is required" would say it twice.
  const meant = new Set(
    relevant
      .filter((error) => error.keyword === 'additionalProperties')
      .flatMap((error) =>
        closestNames(String(error.params.additionalProperty), knownKeys(error), 1).map((key) => `${error.instancePath}/${key}`),
      ),
  );
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of relevant) {
    if (error.keyword === 'required' && meant.has(`${error.instancePath}/${String(error.params.missingProperty)}`)) continue;
    const { message, key, part } = describe(error);
    const at = pointerSegments(error.instancePath, data);
    const path = key === undefined ? at : [...at, key];
    const identity = JSON.stringify([path, message]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    issues.push({ path, ...(key === undefined ? {} : { key }), part, message, error });
  }
  return issues;
}

/** `customers[0].phones.number`; keys that are not plain words are quoted: `headers["x.y"]`; the empty path is "". */
export function formatDataPath(path: DataPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestions = closestNames(key, known, 1);
  if (suggestions.length > 0) return `unknown key "${key}"; did you mean "${suggestions[0]}"?`;
  return known.length > 0 ? `unknown key "${key}"; known keys: ${known.join(', ')}` : `unknown key "${key}"`;
}

function knownKeys(error: ErrorObject): string[] {
  return Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
}

function describe(error: ErrorObject): { message: string; key?: string; part: 'key' | 'value' } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { message: 'is required', key: String(params.missingProperty), part: 'value' };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { message: unknownKeyMessage(key, knownKeys(error)), key, part: 'key' };
    }
    case 'type':
      return { message: `must be ${String(params.type).split(',').join(' or ')}`, part: 'value' };
    case 'enum':
      return {
        message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`,
        part: 'value',
      };
    case 'const':
      return { message: `must be ${JSON.stringify(params.allowedValue)}`, part: 'value' };
    case 'oneOf':
      return {
        message: params.passingSchemas ? 'matches more than one of the allowed forms' : 'matches none of the allowed forms',
        part: 'value',
      };
    case 'anyOf':
      return { message: 'matches none of the allowed forms', part: 'value' };
    default:
      // A key whose name breaks `propertyNames` (a pattern, a length): the key is what is wrong.
      if (error.propertyName !== undefined)
        return { message: `name ${error.message ?? 'is not allowed'}`, key: error.propertyName, part: 'key' };
      // ajv's own wording for the rest (`must be >= 1`, `must match format "date"`) says what was wanted and never quotes the data.
      return { message: error.message ?? `fails ${error.keyword}`, part: 'value' };
  }
}

/**
 * ajv with allErrors reports every branch of a `oneOf`/`anyOf`. When exactly one branch fits the
 * value's discriminator (no const/enum/type error of its own), only that branch's errors are
 * shown, as if it had been the only schema; otherwise one line says no form matched.
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const alternatives = errors
    .filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const alternative of alternatives) {
    if (dropped.has(alternative)) continue;
    const branches = new Map<string, ErrorObject[]>();
    for (const error of errors) {
      const match = error.schemaPath.startsWith(`${alternative.schemaPath}/`)
        ? /^(\d+)\//.exec(error.schemaPath.slice(alternative.schemaPath.length + 1))
        : null;
      if (!match || !error.instancePath.startsWith(alternative.instancePath)) continue;
      const branch = branches.get(match[1]!) ?? [];
      branch.push(error);
      branches.set(match[1]!, branch);
    }
    const discriminated = (branch: ErrorObject[]) =>
      branch.some(
        (error) =>
          error.keyword === 'const' ||
          error.keyword === 'enum' ||
          (error.keyword === 'type' && error.instancePath === alternative.instancePath),
      );
    const plausible = [...branches.values()].filter((branch) => !discriminated(branch));
    const branchCount = Array.isArray(alternative.schema) ? alternative.schema.length : branches.size;
    const keep = plausible.length === 1 && branches.size === branchCount ? plausible[0]! : [];
    for (const branch of branches.values()) for (const error of branch) if (!keep.includes(error)) dropped.add(error);
    // A value of the wrong type altogether is told so by its own type error; "no form matched" adds nothing.
    const wrongType = errors.some(
      (error) =>
        error.keyword === 'type' &&
        error.instancePath === alternative.instancePath &&
        !error.schemaPath.startsWith(`${alternative.schemaPath}/`),
    );
    if (keep.length > 0 || wrongType) dropped.add(alternative);
  }
  // `if` only says which of then/else applied; `propertyNames` repeats its nested error.
  return errors.filter((error) => !dropped.has(error) && error.keyword !== 'if' && error.keyword !== 'propertyNames');
}

/** JSON pointer segments, array positions as numbers (read from the data, where `0` may also be a key). */
export function pointerSegments(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let current = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment = Array.isArray(current) ? Number(key) : key;
    segments.push(segment);
    current = typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[segment] : undefined;
  }
  return segments;
}
