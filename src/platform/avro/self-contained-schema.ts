import { PRIMITIVE_TYPE_NAMES, namespaceOf, qualifyName, shortNameOf } from './avro-names.js';
import { type NamedTypeDefinition, definitionFullName, isNamedDefinition, isObject } from './named-type-scanner.js';

/**
 * The schema of `rootFullName` as one JSON document, every named type it uses defined inline at its
 * first use, as a Confluent-compatible registry needs it (no references to other subjects).
 *
 * Built from the JSON as written, not from avsc's `schema({exportAttrs: true})`, which drops custom
 * attributes (`pii`), enum defaults and logical-type parameters it does not know about. Each inlined
 * definition carries an explicit `namespace` where it differs from its surroundings, and later uses
 * are written as full names, so the result means the same wherever a definition came from.
 */
export function selfContainedSchema(rootFullName: string, definitions: ReadonlyMap<string, NamedTypeDefinition>): unknown {
  const root = definitions.get(rootFullName);
  if (!root) return rootFullName;
  return new SchemaInliner(definitions).definition(root, '');
}

class SchemaInliner {
  private readonly emitted = new Set<string>();

  constructor(private readonly definitions: ReadonlyMap<string, NamedTypeDefinition>) {}

  definition(definition: NamedTypeDefinition, outerNamespace: string): Record<string, unknown> {
    this.emitted.add(definition.fullName);
    const output: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(definition.schema)) {
      if (key === 'namespace') continue;
      if (key === 'name') {
        output.name = shortNameOf(definition.fullName);
        if (definition.namespace !== outerNamespace) output.namespace = definition.namespace;
      } else if (key === 'fields' && Array.isArray(value)) {
        output.fields = value.map((field: unknown) =>
          isObject(field) ? { ...field, type: this.schema(field.type, definition.namespace) } : field,
        );
      } else {
        output[key] = value;
      }
    }
    return output;
  }

  schema(schema: unknown, namespace: string): unknown {
    if (typeof schema === 'string') return this.reference(schema, namespace);
    if (Array.isArray(schema)) return schema.map((branch: unknown) => this.schema(branch, namespace));
    if (!isObject(schema)) return schema;
    if (isNamedDefinition(schema)) {
      const fullName = definitionFullName(schema, namespace) ?? '';
      return this.definition(this.definitions.get(fullName) ?? { fullName, namespace: namespaceOf(fullName), schema }, namespace);
    }
    if (schema.type === 'array') return { ...schema, items: this.schema(schema.items, namespace) };
    if (schema.type === 'map') return { ...schema, values: this.schema(schema.values, namespace) };
    if (typeof schema.type === 'string' && PRIMITIVE_TYPE_NAMES.has(schema.type)) return schema;
    return { ...schema, type: this.schema(schema.type, namespace) };
  }

  private reference(name: string, namespace: string): unknown {
    if (PRIMITIVE_TYPE_NAMES.has(name)) return name;
    const fullName = qualifyName(name, namespace);
    if (this.emitted.has(fullName)) return fullName;
    const definition = this.definitions.get(fullName);
    return definition ? this.definition(definition, namespace) : fullName;
  }
}
