import { REDACTED_SECRET } from './secret-registry.js';

/**
 * A deep copy of `value` with everything a schema marks `writeOnly` replaced by REDACTED_SECRET.
 * Where a value could match several subschemas (allOf/anyOf/oneOf, if/then/else) every one of them
 * is honoured: redacting too much is harmless, too little is not.
 */
export function redactSecrets(value: unknown, schema: unknown): unknown {
  return redact(value, [schema], schema);
}

type SchemaObject = Record<string, unknown>;

function redact(value: unknown, schemas: unknown[], root: unknown): unknown {
  const applicable = expand(schemas, root);
  if (value !== undefined && value !== null && applicable.some((schema) => schema.writeOnly === true)) return REDACTED_SECRET;
  if (Array.isArray(value))
    return value.map((item, index) =>
      redact(
        item,
        applicable.flatMap((schema) => itemSchemas(schema, index)),
        root,
      ),
    );
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        redact(
          child,
          applicable.flatMap((schema) => propertySchemas(schema, key)),
          root,
        ),
      ]),
    );
  }
  return value;
}

/** The schemas themselves plus everything they compose or refer to. */
function expand(schemas: unknown[], root: unknown): SchemaObject[] {
  const result: SchemaObject[] = [];
  const pending = [...schemas];
  while (pending.length > 0 && result.length < 1000) {
    const schema = pending.pop();
    if (!isObject(schema) || result.includes(schema)) continue;
    result.push(schema);
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[keyword])) pending.push(...(schema[keyword] as unknown[]));
    for (const keyword of ['if', 'then', 'else']) pending.push(schema[keyword]);
    if (typeof schema.$ref === 'string') pending.push(resolveLocalRef(schema.$ref, root));
  }
  return result;
}

function propertySchemas(schema: SchemaObject, key: string): unknown[] {
  const found: unknown[] = [];
  const properties = isObject(schema.properties) ? schema.properties : {};
  if (key in properties) found.push(properties[key]);
  if (isObject(schema.patternProperties)) {
    for (const [pattern, child] of Object.entries(schema.patternProperties)) if (safeTest(pattern, key)) found.push(child);
  }
  if (!(key in properties) && isObject(schema.additionalProperties)) found.push(schema.additionalProperties);
  return found;
}

function itemSchemas(schema: SchemaObject, index: number): unknown[] {
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
  if (tuple) return index < tuple.length ? [tuple[index]] : [schema.additionalItems, schema.items].filter(isObject);
  return [schema.items];
}

function resolveLocalRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return undefined;
  let current = root;
  for (const raw of ref
    .slice(1)
    .split('/')
    .filter((part) => part !== '')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    current = isObject(current) ? current[key] : undefined;
  }
  return current;
}

function safeTest(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(key);
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
