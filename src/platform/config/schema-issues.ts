import type { ErrorObject, ValidateFunction } from 'ajv';
import { closestNames } from '../../core/closest-names.js';
import type { ConfigIssue, ConfigIssueCode, ConfigPath } from './config-issue.js';
import type { ConfigYaml } from './config-yaml-reader.js';

/**
 * Validates `data` (which sits at `basePath` in the file) and turns ajv's errors into issues placed
 * in the file. Defaults are applied to `data` in place.
 *
 * Values that came whole from `${NAME}` are strings; where the schema wants a number or boolean
 * and the string reads as one, it is converted, so `batchSize: ${SINK_BATCH}` works while a
 * numeric password in a string field stays a string.
 */
export function validateAgainstSchema(validate: ValidateFunction, data: unknown, basePath: ConfigPath, yaml: ConfigYaml): ConfigIssue[] {
  if (validate(data)) return [];
  if (coerceEnvValues(validate.errors ?? [], data, basePath, yaml) && validate(data)) return [];
  return translate(validate.errors ?? [], data, basePath, yaml);
}

function coerceEnvValues(errors: ErrorObject[], data: unknown, basePath: ConfigPath, yaml: ConfigYaml): boolean {
  let changed = false;
  for (const error of errors) {
    if (error.keyword !== 'type') continue;
    const relative = pointerSegments(error.instancePath, data);
    const last = relative.at(-1);
    if (last === undefined || yaml.envOrigin([...basePath, ...relative]) === undefined) continue;
    const parent = valueAt(data, relative.slice(0, -1)) as Record<string | number, unknown> | undefined;
    const text = parent?.[last];
    if (typeof text !== 'string') continue;
    const converted = convert(text, String(error.params.type).split(','));
    if (converted === undefined) continue;
    parent![last] = converted;
    changed = true;
  }
  return changed;
}

function convert(text: string, types: string[]): number | boolean | undefined {
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (types.includes('integer') && Number.isSafeInteger(number)) return number;
  if (types.includes('number') && Number.isFinite(number)) return number;
  return undefined;
}

function translate(errors: ErrorObject[], data: unknown, basePath: ConfigPath, yaml: ConfigYaml): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  const relevant = relevantErrors(errors);
  // A key misspelt (`stepz:`) is told "did you mean steps"; "steps is required" would say it twice.
  const meant = new Set(
    relevant
      .filter((error) => error.keyword === 'additionalProperties')
      .flatMap((error) => {
        const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
        return closestNames(String((error.params as Record<string, unknown>).additionalProperty), known, 1).map(
          (key) => `${error.instancePath}/${key}`,
        );
      }),
  );
  for (const error of relevant) {
    if (
      error.keyword === 'required' &&
      meant.has(`${error.instancePath}/${String((error.params as Record<string, unknown>).missingProperty)}`)
    )
      continue;
    const path = [...basePath, ...pointerSegments(error.instancePath, data)];
    if (yaml.hasEnvProblem(path)) continue;
    const { code, message, child, part } = describe(error, yaml.envOrigin(path));
    const issue = yaml.issueAt(child === undefined ? path : [...path, child], code, message, part);
    const identity = `${issue.path}\u0000${issue.message}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    issues.push(issue);
  }
  return issues;
}

interface Description {
  code: ConfigIssueCode;
  message: string;
  /** The key the error is about, below the error's own path (a missing or unknown key). */
  child?: string;
  part?: 'key' | 'value';
}

/** Messages say what was expected, never what was found: the value may be a secret. */
function describe(error: ErrorObject, envOrigin: string | undefined): Description {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { code: 'REQUIRED_MISSING', message: 'is required', child: String(params.missingProperty) };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      return { code: 'KEY_UNKNOWN', message: unknownKeyMessage(key, known), child: key, part: 'key' };
    }
    case 'type': {
      const expected = String(params.type).split(',').join(' or ');
      const scalar = ['integer', 'number', 'boolean'].some((type) => String(params.type).includes(type));
      const hint = envOrigin !== undefined && scalar ? ` (it comes from \${${envOrigin}}, which does not read as one)` : '';
      return { code: 'TYPE_MISMATCH', message: `must be ${expected}${hint}` };
    }
    case 'format':
      return { code: 'FORMAT_MISMATCH', message: error.message ?? `must match format "${String(params.format)}"` };
    case 'enum':
      return {
        code: 'ENUM_MISMATCH',
        message: `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`,
      };
    case 'const':
      return { code: 'ENUM_MISMATCH', message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern':
      if (error.propertyName !== undefined)
        return {
          code: 'NAME_INVALID',
          message: `name must match pattern "${String(params.pattern)}"`,
          child: error.propertyName,
          part: 'key',
        };
      return { code: 'PATTERN_MISMATCH', message: error.message ?? `must match pattern "${String(params.pattern)}"` };
    case 'oneOf':
      return {
        code: 'VALUE_INVALID',
        message: params.passingSchemas ? 'matches more than one of the allowed forms' : 'matches none of the allowed forms',
      };
    case 'anyOf':
      return { code: 'VALUE_INVALID', message: 'matches none of the allowed forms' };
    default:
      if (error.propertyName !== undefined)
        return { code: 'NAME_INVALID', message: `name ${error.message ?? 'is not allowed'}`, child: error.propertyName, part: 'key' };
      return { code: 'VALUE_INVALID', message: error.message ?? `fails ${error.keyword}` };
  }
}

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const suggestions = closestNames(key, known, 1);
  if (suggestions.length > 0) return `unknown key "${key}"; did you mean "${suggestions[0]}"?`;
  return known.length > 0 ? `unknown key "${key}"; known keys: ${known.join(', ')}` : `unknown key "${key}"`;
}

/**
 * ajv with allErrors reports every branch of a `oneOf`/`anyOf`. When exactly one branch fits the
 * value's discriminator (no const/enum/type error of its own), only that branch's errors are
 * shown, as if it had been the only schema; otherwise one line says no form matched.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
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
function pointerSegments(pointer: string, data: unknown): (string | number)[] {
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

function valueAt(data: unknown, path: ConfigPath): unknown {
  let current = data;
  for (const segment of path)
    current = typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[segment] : undefined;
  return current;
}
