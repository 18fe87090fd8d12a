import type { Type } from 'avsc';
import { parseAvroSchema } from './avro-type-factory.js';
import { explainInvalidValue } from './invalid-value-explanation.js';
import { AvroEncodeError, RecordDecodeError, type RecordOrigin } from './record-decode-error.js';
import { SchemaRegistryRequestError } from './schema-registry-errors.js';
import type { SchemaRegistry } from './schema-registry.js';
import { decodeWireFormat, encodeWireFormat } from './wire-format.js';

export interface DecodedRecord {
  schemaId: number;
  /** Full name of the writer's record type, e.g. crmhub.customer.Customer. */
  schemaName: string;
  value: unknown;
}

export interface AvroSerdeOptions {
  /** Register unknown schemas on first use (true), or require them to be registered already (false). */
  autoRegister?: boolean;
}

/**
 * Avro values to and from the Confluent wire format. Every registry answer is cached: after the
 * first record of a schema, encoding and decoding never leave the process.
 */
export class AvroSerde {
  private readonly writerIds = new Map<string, Promise<number>>();
  private readonly typesById = new Map<number, Promise<Type>>();
  private readonly typesBySchema = new Map<string, Type>();
  private readonly resolvers = new Map<string, unknown>();

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly options: AvroSerdeOptions = {},
  ) {}

  /** Encodes `value` with `schema` (JSON text) under `subject`, e.g. `crm.customer.v1-value`. */
  async encode(subject: string, schema: string, value: unknown): Promise<Buffer> {
    const type = this.typeFor(schema);
    const problems: string[] = [];
    if (!type.isValid(value, { errorHook: (path, invalid, invalidType) => problems.push(`${path.join('.') || '(root)'}: ${explainInvalidValue(invalidType, invalid)}`) })) {
      throw new AvroEncodeError(type.name ?? type.typeName, problems);
    }
    const id = await this.schemaId(subject, schema);
    return encodeWireFormat(id, type.toBuffer(value));
  }

  /**
   * Decodes wire-format bytes. With `readerSchema`, the writer's data is resolved to the reader's
   * shape (Avro schema resolution), so that consumers see the version they were written for.
   */
  async decode(bytes: Buffer | null, origin?: RecordOrigin, readerSchema?: string): Promise<DecodedRecord> {
    const { schemaId, body } = decodeWireFormat(bytes, origin);
    const writer = await this.writerType(schemaId, origin);
    const reader = readerSchema ? this.typeFor(readerSchema) : writer;
    try {
      const resolver = reader === writer ? undefined : this.resolver(reader, writer, schemaId, readerSchema!);
      const value = resolver ? reader.fromBuffer(body, resolver as never) : writer.fromBuffer(body);
      return { schemaId, schemaName: writer.name ?? writer.typeName, value };
    } catch (error) {
      // Corrupt bytes surface as avsc errors or as a logical type refusing what it read: either way the record is unreadable, and where it came from is what an operator needs.
      const reason = error instanceof Error ? error.message : String(error);
      throw new RecordDecodeError('AVRO_DECODE_FAILED', origin, `bytes do not decode as schema id ${schemaId} (${writer.name ?? writer.typeName}): ${reason}`, error);
    }
  }

  private typeFor(schema: string): Type {
    let type = this.typesBySchema.get(schema);
    if (!type) {
      type = parseAvroSchema(schema);
      this.typesBySchema.set(schema, type);
    }
    return type;
  }

  private schemaId(subject: string, schema: string): Promise<number> {
    const key = `${subject}\u0000${schema}`;
    let id = this.writerIds.get(key);
    if (!id) {
      id = this.options.autoRegister === false ? this.requireRegistered(subject, schema) : this.registry.register(subject, schema);
      // A failed registry call must not poison the cache: the next record asks again.
      id.catch(() => this.writerIds.delete(key));
      this.writerIds.set(key, id);
    }
    return id;
  }

  private async requireRegistered(subject: string, schema: string): Promise<number> {
    const found = await this.registry.lookup(subject, schema);
    if (!found) throw new SchemaRegistryRequestError('SCHEMA_NOT_REGISTERED', `the schema is not registered under ${subject} and auto-registration is off`, 404);
    return found.id;
  }

  private writerType(id: number, origin: RecordOrigin | undefined): Promise<Type> {
    let type = this.typesById.get(id);
    if (!type) {
      type = this.registry.schemaById(id).then(
        (schema) => parseAvroSchema(schema),
        (error: unknown) => {
          if (error instanceof SchemaRegistryRequestError && error.status === 404) {
            throw new RecordDecodeError('SCHEMA_ID_UNKNOWN', origin, `schema id ${id} is not known to the schema registry`, error);
          }
          throw error;
        },
      );
      type.catch(() => this.typesById.delete(id));
      this.typesById.set(id, type);
    }
    return type;
  }

  private resolver(reader: Type, writer: Type, writerId: number, readerSchema: string): unknown {
    const key = `${writerId}\u0000${readerSchema}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = reader.createResolver(writer);
      this.resolvers.set(key, resolver);
    }
    return resolver;
  }
}
