import { NAMED_TYPE_NAMES, PRIMITIVE_TYPE_NAMES, namespaceOf, qualifyName } from './avro-names.js';
import { type NamedTypeDefinition, definitionFullName, isObject } from './named-type-scanner.js';

/**
 * The dotted paths of the fields marked `"pii": true` under a named type, e.g. `fullName`,
 * `phones[].number`, `vehicle.plate` (`[]` steps into array items, `{}` into map values; union
 * branches add nothing). Log masking and dead-letter redaction use them.
 */
export function piiFieldPaths(rootFullName: string, definitions: ReadonlyMap<string, NamedTypeDefinition>): string[] {
  const paths = new Set<string>();
  const root = definitions.get(rootFullName);
  if (root) visitDefinition(root.schema, root.fullName, '', definitions, paths, new Set());
  return [...paths];
}

function visitDefinition(
  schema: Readonly<Record<string, unknown>>,
  fullName: string,
  prefix: string,
  definitions: ReadonlyMap<string, NamedTypeDefinition>,
  paths: Set<string>,
  enclosing: ReadonlySet<string>,
): void {
  // A recursive type would otherwise produce paths without end; its inner fields repeat the outer ones.
  if (enclosing.has(fullName) || !Array.isArray(schema.fields)) return;
  const inside = new Set(enclosing).add(fullName);
  for (const field of schema.fields as unknown[]) {
    if (!isObject(field) || typeof field.name !== 'string') continue;
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    if (field.pii === true) paths.add(path);
    visitSchema(field.type, namespaceOf(fullName), path, definitions, paths, inside);
  }
}

function visitSchema(
  schema: unknown,
  namespace: string,
  path: string,
  definitions: ReadonlyMap<string, NamedTypeDefinition>,
  paths: Set<string>,
  enclosing: ReadonlySet<string>,
): void {
  if (typeof schema === 'string') {
    if (PRIMITIVE_TYPE_NAMES.has(schema)) return;
    const definition = definitions.get(qualifyName(schema, namespace));
    if (definition) visitDefinition(definition.schema, definition.fullName, path, definitions, paths, enclosing);
  } else if (Array.isArray(schema)) {
    for (const branch of schema) visitSchema(branch, namespace, path, definitions, paths, enclosing);
  } else if (isObject(schema)) {
    if (typeof schema.type === 'string' && NAMED_TYPE_NAMES.has(schema.type)) {
      const fullName = definitionFullName(schema, namespace);
      if (fullName) visitDefinition(schema, fullName, path, definitions, paths, enclosing);
    } else if (schema.type === 'array') {
      visitSchema(schema.items, namespace, `${path}[]`, definitions, paths, enclosing);
    } else if (schema.type === 'map') {
      visitSchema(schema.values, namespace, `${path}{}`, definitions, paths, enclosing);
    } else {
      visitSchema(schema.type, namespace, path, definitions, paths, enclosing);
    }
  }
}
