import type { ErrorObject, ValidateFunction } from 'ajv';
import { pointerSegments, schemaIssues, type SchemaIssue } from '../validation/schema-issues.js';
import type { ConfigIssue, ConfigIssueCode, ConfigPath } from './config-issue.js';
import type { ConfigYaml } from './config-yaml-reader.js';

/**
 * Validates `data` (which sits at `basePath` in the file) and turns ajv's errors into issues placed
 * in the file, worded as every schema issue of the hub is (validation/schema-issues.ts). Defaults are applied to `data` in place.
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
  for (const schemaIssue of schemaIssues(errors, data)) {
    const valuePath = [...basePath, ...(schemaIssue.key === undefined ? schemaIssue.path : schemaIssue.path.slice(0, -1))];
    if (yaml.hasEnvProblem(valuePath)) continue;
    const message = schemaIssue.message + envHint(schemaIssue.error, yaml.envOrigin(valuePath));
    const issue = yaml.issueAt([...basePath, ...schemaIssue.path], issueCode(schemaIssue), message, schemaIssue.part);
    const identity = `${issue.path}\u0000${issue.message}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    issues.push(issue);
  }
  return issues;
}

function issueCode({ error, part }: SchemaIssue): ConfigIssueCode {
  if (part === 'key' && error.keyword !== 'additionalProperties') return 'NAME_INVALID';
  return ISSUE_CODES[error.keyword] ?? 'VALUE_INVALID';
}

const ISSUE_CODES: Readonly<Record<string, ConfigIssueCode>> = {
  required: 'REQUIRED_MISSING',
  additionalProperties: 'KEY_UNKNOWN',
  type: 'TYPE_MISMATCH',
  format: 'FORMAT_MISMATCH',
  enum: 'ENUM_MISMATCH',
  const: 'ENUM_MISMATCH',
  pattern: 'PATTERN_MISMATCH',
};

/** A value that came whole from `${NAME}` and is not of a scalar type wanted: say where it came from. */
function envHint(error: ErrorObject, envOrigin: string | undefined): string {
  if (error.keyword !== 'type' || envOrigin === undefined) return '';
  const scalar = ['integer', 'number', 'boolean'].some((type) => String(error.params.type).includes(type));
  return scalar ? ` (it comes from \${${envOrigin}}, which does not read as one)` : '';
}

function valueAt(data: unknown, path: ConfigPath): unknown {
  let current = data;
  for (const segment of path)
    current = typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[segment] : undefined;
  return current;
}
