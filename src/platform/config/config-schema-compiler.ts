import type { AnySchemaObject, ValidateFunction } from 'ajv';
import { ConfigError } from '../../core/hub-error.js';
import { createJsonSchemaAjv } from '../validation/json-schema-ajv.js';

/**
 * One ajv for every config schema (runtime settings, connector specs, flow steps): defaults from
 * the schema applied to the data (each default is declared once, in its schema), and strict about
 * unknown keywords so that a typo in a spec (`requierd`) is caught when the spec is compiled
 * instead of silently validating nothing.
 */
const ajv = createJsonSchemaAjv({ strictSchemas: true, useDefaults: true });

const compiled = new WeakMap<object, ValidateFunction>();

/** A spec that ajv refuses (unknown keyword, bad regular expression, unknown format…). */
export class ConfigSchemaError extends ConfigError {
  constructor(reason: string, cause?: unknown) {
    super('SPEC_INVALID', reason, { cause });
  }
}

/**
 * Compiles a config schema once per schema object. Plain object schemas (only `properties`, no
 * composition) are closed: a key the schema does not name is an error, because in a config file
 * an unknown key is nearly always a typo of a known one, and ignoring it would silently fall back
 * to a default.
 */
export function compileConfigSchema(schema: object): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached) return cached;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(closeObjectSchemas(schema as AnySchemaObject) as AnySchemaObject);
  } catch (error) {
    throw new ConfigSchemaError(error instanceof Error ? error.message : String(error), error);
  }
  compiled.set(schema, validate);
  return validate;
}

const OPEN_ENDED_KEYWORDS = [
  'additionalProperties',
  'patternProperties',
  'unevaluatedProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  '$ref',
  'dependencies',
  'dependentSchemas',
];

function closeObjectSchemas(schema: AnySchemaObject): AnySchemaObject {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const copy: AnySchemaObject = { ...schema };
  if (isSchemaMap(copy.properties)) copy.properties = mapValues(copy.properties, closeObjectSchemas);
  if (isSchemaMap(copy.$defs)) copy.$defs = mapValues(copy.$defs, closeObjectSchemas);
  if (isSchemaMap(copy.definitions)) copy.definitions = mapValues(copy.definitions, closeObjectSchemas);
  if (Array.isArray(copy.items)) copy.items = copy.items.map((item: AnySchemaObject) => closeObjectSchemas(item));
  else if (isSchemaMap(copy.items)) copy.items = closeObjectSchemas(copy.items);
  if (isSchemaMap(copy.additionalProperties)) copy.additionalProperties = closeObjectSchemas(copy.additionalProperties);
  // Composed schemas are left as written: closing one branch would refuse keys another branch allows.
  const openEnded = OPEN_ENDED_KEYWORDS.some((keyword) => keyword in schema);
  if (isSchemaMap(copy.properties) && !openEnded && (copy.type === undefined || copy.type === 'object')) copy.additionalProperties = false;
  return copy;
}

function isSchemaMap(value: unknown): value is Record<string, AnySchemaObject> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapValues(
  map: Record<string, AnySchemaObject>,
  transform: (schema: AnySchemaObject) => AnySchemaObject,
): Record<string, AnySchemaObject> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, transform(value)]));
}
