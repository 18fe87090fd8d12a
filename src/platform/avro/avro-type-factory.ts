import avro from 'avsc';
import { DateType } from './logical-types/date-type.js';
import { DecimalType } from './logical-types/decimal-type.js';
import { TimestampMillisType } from './logical-types/timestamp-millis-type.js';
import { SchemaInvalidError } from './schema-errors.js';
import { installBoundedCollectionReads } from './bounded-collection-reads.js';

// Before any type or resolver exists: resolvers copy the read functions when they are made.
installBoundedCollectionReads();

/** Named types already parsed, by full name; passing one lets later schemas refer to earlier ones. */
export type AvroTypeRegistry = Record<string, avro.Type>;

export interface ParseAvroSchemaOptions {
  /**
   * Fail on an invalid logical type (a decimal whose scale exceeds its precision) instead of
   * falling back to the underlying type as the specification asks readers to. Our own schemas are
   * parsed this way so that such a mistake cannot ship; writer schemas from a registry are not.
   */
  assertLogicalTypes?: boolean;
}

const LOGICAL_TYPES = {
  decimal: DecimalType,
  date: DateType,
  'timestamp-millis': TimestampMillisType,
};

/**
 * Parses any Avro schema (JSON text or its parsed form) into an avsc type whose logical types hold
 * their JSON forms (see schemas/README.md). Every Avro type in crm-hub — our schemas and the writer
 * schemas fetched from a registry — is made here, so that all of them agree on those forms.
 */
export function parseAvroSchema(schema: string | object, registry?: AvroTypeRegistry, options: ParseAvroSchemaOptions = {}): avro.Type {
  const json = typeof schema === 'string' ? parseSchemaText(schema) : schema;
  const forSchemaOptions = {
    // A copy, because avsc swaps in a snapshot of the registry when an invalid logical type falls
    // back; names defined after that would otherwise never reach the caller's registry.
    registry: { ...registry },
    logicalTypes: LOGICAL_TYPES,
    assertLogicalTypes: options.assertLogicalTypes ?? false,
    // Unambiguous unions (["null", T]) hold a plain value; others fall back to {branch: value}.
    wrapUnions: 'auto' as const,
  };
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(json as avro.schema.AvroSchema, forSchemaOptions);
  } catch (error) {
    if (error instanceof SchemaInvalidError) throw error;
    throw new SchemaInvalidError(`invalid Avro schema: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (registry) Object.assign(registry, forSchemaOptions.registry);
  return type;
}

function parseSchemaText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SchemaInvalidError(`an Avro schema must be JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}
