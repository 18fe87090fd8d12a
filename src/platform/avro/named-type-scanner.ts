import { NAMED_TYPE_NAMES, PRIMITIVE_TYPE_NAMES, namespaceOf, qualifyName } from './avro-names.js';

/** A record, enum or fixed defined somewhere in a schema document, with its resolved names. */
export interface NamedTypeDefinition {
  fullName: string;
  namespace: string;
  /** The definition exactly as written, custom attributes included. */
  schema: Readonly<Record<string, unknown>>;
}

/** The named types a schema document defines and the names it uses, both as full names in document order. */
export interface SchemaNameScan {
  definitions: NamedTypeDefinition[];
  references: string[];
}

/**
 * Lists definitions and references in raw schema JSON, resolving names by the specification's
 * namespace rules. It works on the JSON rather than on avsc types because avsc drops custom
 * attributes such as `pii`, and because files must be ordered before avsc can parse them.
 * Malformed parts are skipped: avsc reports them when the schema is parsed.
 */
export function scanSchemaNames(schema: unknown, enclosingNamespace = ''): SchemaNameScan {
  const scan: SchemaNameScan = { definitions: [], references: [] };
  visit(schema, enclosingNamespace, scan);
  return scan;
}

/** The full name a named-type definition gets inside `enclosingNamespace`. */
export function definitionFullName(schema: Readonly<Record<string, unknown>>, enclosingNamespace: string): string | undefined {
  const name = schema.name;
  if (typeof name !== 'string') return undefined;
  if (name.includes('.')) return name;
  if (typeof schema.namespace === 'string') return schema.namespace ? `${schema.namespace}.${name}` : name;
  return qualifyName(name, enclosingNamespace);
}

/** Whether raw schema JSON defines a named type (record, error, enum or fixed). */
export function isNamedDefinition(schema: unknown): boolean {
  return isObject(schema) && typeof schema.type === 'string' && NAMED_TYPE_NAMES.has(schema.type) && typeof schema.name === 'string';
}

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function visit(schema: unknown, namespace: string, scan: SchemaNameScan): void {
  if (typeof schema === 'string') {
    if (!PRIMITIVE_TYPE_NAMES.has(schema)) scan.references.push(qualifyName(schema, namespace));
    return;
  }
  if (Array.isArray(schema)) {
    for (const branch of schema) visit(branch, namespace, scan);
    return;
  }
  if (!isObject(schema)) return;
  if (isNamedDefinition(schema)) {
    const fullName = definitionFullName(schema, namespace) ?? '';
    const ownNamespace = namespaceOf(fullName);
    scan.definitions.push({ fullName, namespace: ownNamespace, schema });
    if (Array.isArray(schema.fields)) {
      for (const field of schema.fields as unknown[]) if (isObject(field)) visit(field.type, ownNamespace, scan);
    }
    return;
  }
  if (schema.type === 'array') visit(schema.items, namespace, scan);
  else if (schema.type === 'map') visit(schema.values, namespace, scan);
  else visit(schema.type, namespace, scan);
}
