import { SchemaRegistryRequestError } from './schema-registry-errors.js';
import type { SchemaRegistry } from './schema-registry.js';

/**
 * A registry that lives in this process: for running flows and their tests without any server.
 * Ids are global and an identical schema gets the same id, as in Confluent's registry.
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly ids = new Map<string, number>();
  private readonly schemas = new Map<number, string>();
  private readonly subjects = new Map<string, Set<number>>();

  async register(subject: string, schema: string): Promise<number> {
    const canonical = canonicalize(schema);
    let id = this.ids.get(canonical);
    if (id === undefined) {
      id = this.schemas.size + 1;
      this.ids.set(canonical, id);
      this.schemas.set(id, schema);
    }
    const versions = this.subjects.get(subject) ?? new Set<number>();
    versions.add(id);
    this.subjects.set(subject, versions);
    return id;
  }

  async lookup(subject: string, schema: string): Promise<{ id: number } | undefined> {
    const id = this.ids.get(canonicalize(schema));
    return id !== undefined && this.subjects.get(subject)?.has(id) ? { id } : undefined;
  }

  async schemaById(id: number): Promise<string> {
    const schema = this.schemas.get(id);
    if (schema === undefined) throw new SchemaRegistryRequestError('SCHEMA_NOT_FOUND', `schema id ${id} is not registered`, 404, 40403);
    return schema;
  }
}

function canonicalize(schema: string): string {
  return JSON.stringify(JSON.parse(schema));
}
