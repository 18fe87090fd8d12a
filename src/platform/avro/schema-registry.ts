/**
 * What the serde needs from a schema registry. SchemaRegistryClient serves it over the Confluent
 * REST API; InMemorySchemaRegistry serves it where no registry runs (flow tests).
 */
export interface SchemaRegistry {
  /** Registers (idempotently) and returns the schema id. */
  register(subject: string, schema: string): Promise<number>;
  /** The id of this exact schema under the subject, or undefined. */
  lookup(subject: string, schema: string): Promise<{ id: number } | undefined>;
  /** Rejects with code SCHEMA_NOT_FOUND when the id is unknown. */
  schemaById(id: number): Promise<string>;
}
