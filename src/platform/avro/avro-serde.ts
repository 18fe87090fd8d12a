import avro, { type Type } from 'avsc';
import { parseAvroSchema } from './avro-type-factory.js';
import { explainInvalidValue } from './invalid-value-explanation.js';
import { JsonLogicalType } from './logical-types/json-logical-type.js';
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

interface WriterType {
  type: Type;
  /** avsc's writer refuses whatever isValid refuses: valid values need no separate check (see writerRefusesInvalid). */
  writerChecks: boolean;
}

/**
 * Avro values to and from the Confluent wire format. Every registry answer is cached: after the
 * first record of a schema, encoding and decoding never leave the process, and `encodeNow` and
 * `decodeNow` answer without a promise, so that a hot path need not pass each record through the
 * microtask queue.
 */
export class AvroSerde {
  // By schema text, then subject: the schema strings come from the catalog's cache, so their hashes
  // are computed once, where a key joining subject and schema would be a new long string per record.
  private readonly writerIds = new Map<string, Map<string, Promise<number>>>();
  private readonly knownWriterIds = new Map<string, Map<string, number>>();
  private readonly typesById = new Map<number, Promise<Type>>();
  private readonly knownTypesById = new Map<number, Type>();
  private readonly typesBySchema = new Map<string, WriterType>();
  private readonly resolvers = new Map<string, unknown>();
  private scratch = Buffer.allocUnsafe(16 * 1024);

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly options: AvroSerdeOptions = {},
  ) {}

  /** Encodes `value` with `schema` (JSON text) under `subject`, e.g. `crm.customer.v1-value`. */
  async encode(subject: string, schema: string, value: unknown): Promise<Buffer> {
    return this.encodeNow(subject, schema, value);
  }

  /**
   * `encode`, with the bytes at once when the schema's id under `subject` is already known (after
   * the first record), else a promise of them. An invalid value is thrown, not rejected.
   */
  encodeNow(subject: string, schema: string, value: unknown): Buffer | Promise<Buffer> {
    const body = this.body(this.typeFor(schema), value);
    const id = this.knownWriterIds.get(schema)?.get(subject);
    // The body is a view of the scratch buffer, good until the next encode: copied out at once.
    if (id !== undefined) return encodeWireFormat(id, body);
    const copy = Buffer.from(body);
    return this.schemaId(subject, schema).then((registered) => encodeWireFormat(registered, copy));
  }

  /**
   * Decodes wire-format bytes. With `readerSchema`, the writer's data is resolved to the reader's
   * shape (Avro schema resolution), so that consumers see the version they were written for.
   */
  async decode(bytes: Buffer | null, origin?: RecordOrigin, readerSchema?: string): Promise<DecodedRecord> {
    return this.decodeNow(bytes, origin, readerSchema);
  }

  /**
   * `decode`, with the record at once when the writer's schema is already known (after the first
   * record of each schema id), else a promise of it. Bytes that do not decode are thrown, not rejected.
   */
  decodeNow(bytes: Buffer | null, origin?: RecordOrigin, readerSchema?: string): DecodedRecord | Promise<DecodedRecord> {
    const { schemaId, body } = decodeWireFormat(bytes, origin);
    const writer = this.knownTypesById.get(schemaId);
    if (writer) return this.read(writer, schemaId, body, origin, readerSchema);
    return this.writerType(schemaId, origin).then((type) => this.read(type, schemaId, body, origin, readerSchema));
  }

  private read(
    writer: Type,
    schemaId: number,
    body: Buffer,
    origin: RecordOrigin | undefined,
    readerSchema: string | undefined,
  ): DecodedRecord {
    const reader = readerSchema ? this.typeFor(readerSchema).type : writer;
    try {
      const resolver = reader === writer ? undefined : this.resolver(reader, writer, schemaId, readerSchema!);
      const value = resolver ? reader.fromBuffer(body, resolver as never) : writer.fromBuffer(body);
      return { schemaId, schemaName: writer.name ?? writer.typeName, value };
    } catch (error) {
      // Corrupt bytes surface as avsc errors or as a logical type refusing what it read: either way the record is unreadable, and where it came from is what an operator needs.
      const reason = error instanceof Error ? error.message : String(error);
      throw new RecordDecodeError(
        'AVRO_DECODE_FAILED',
        origin,
        `bytes do not decode as schema id ${schemaId} (${writer.name ?? writer.typeName}): ${reason}`,
        error,
      );
    }
  }

  /**
   * The Avro body of a valid value, as a view of the scratch buffer that the next call overwrites;
   * an invalid value is an AvroEncodeError naming every failing path.
   */
  private body({ type, writerChecks }: WriterType, value: unknown): Buffer {
    if (!writerChecks) {
      this.validate(type, value);
      return this.write(type, value);
    }
    // Checking first would convert every logical value (timestamps, decimals) twice, for nothing
    // when the value is valid, as nearly all are; a refused one is explained after the fact.
    try {
      return this.write(type, value);
    } catch (error) {
      this.validate(type, value);
      throw error;
    }
  }

  /**
   * avsc's toBuffer allocates a zeroed buffer per value and copies the body into it, and adding the
   * wire-format header copies it again: written into a scratch buffer instead, the body is copied
   * once, with the header.
   */
  private write(type: Type, value: unknown): Buffer {
    let end = type.encode(value, this.scratch, 0);
    if (end < 0) {
      // A negative end is the number of bytes missing.
      this.scratch = Buffer.allocUnsafe(Math.max(2 * this.scratch.length, this.scratch.length - end));
      end = type.encode(value, this.scratch, 0);
    }
    return this.scratch.subarray(0, end);
  }

  private validate(type: Type, value: unknown): void {
    const problems: string[] = [];
    if (
      !type.isValid(value, {
        errorHook: (path, invalid, invalidType) =>
          problems.push(`${path.join('.') || '(root)'}: ${explainInvalidValue(invalidType, invalid)}`),
      })
    ) {
      throw new AvroEncodeError(type.name ?? type.typeName, problems);
    }
  }

  private typeFor(schema: string): WriterType {
    let writer = this.typesBySchema.get(schema);
    if (!writer) {
      const type = parseAvroSchema(schema);
      writer = { type, writerChecks: writerRefusesInvalid(type) };
      this.typesBySchema.set(schema, writer);
    }
    return writer;
  }

  private schemaId(subject: string, schema: string): Promise<number> {
    const bySubject = this.writerIds.get(schema) ?? new Map<string, Promise<number>>();
    this.writerIds.set(schema, bySubject);
    let id = bySubject.get(subject);
    if (!id) {
      id = this.options.autoRegister === false ? this.requireRegistered(subject, schema) : this.registry.register(subject, schema);
      // A failed registry call must not poison the cache: the next record asks again.
      id.then(
        (known) => this.knownWriterIds.set(schema, (this.knownWriterIds.get(schema) ?? new Map<string, number>()).set(subject, known)),
        () => bySubject.delete(subject),
      );
      bySubject.set(subject, id);
    }
    return id;
  }

  private async requireRegistered(subject: string, schema: string): Promise<number> {
    const found = await this.registry.lookup(subject, schema);
    if (!found)
      throw new SchemaRegistryRequestError(
        'SCHEMA_NOT_REGISTERED',
        `the schema is not registered under ${subject} and auto-registration is off`,
        404,
      );
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
      type.then(
        (known) => this.knownTypesById.set(id, known),
        () => this.typesById.delete(id),
      );
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

// Boxed primitives (and a function): what avsc's record writer reads fields from when given a
// primitive, where isValid refuses anything but an object.
const PRIMITIVE_BOXES: object[] = [Object(''), Object(0), Object(false), Object(0n), Object(Symbol('box')), () => undefined];

/**
 * Whether avsc's writer for `type` throws on every value that `isValid` refuses, so that a value it
 * writes needs no separate check. It does for every kind of type (each writer tests its value as
 * the checker does) but one: a record writer reads its fields off whatever it is given, where the
 * checker first requires an object. A primitive is still refused when a field the writer reads off
 * it comes back missing and the field's type refuses a missing value — unless every such field is
 * one primitives have (`length`, `toString`) or has a default. Records like that, and kinds of type
 * this does not know, keep the check before writing.
 */
function writerRefusesInvalid(type: Type, seen = new Set<Type>()): boolean {
  if (seen.has(type)) return true; // a recursive reference: judged where it was first met
  seen.add(type);
  if (type instanceof avro.types.RecordType) {
    const refusesPrimitives = type.fields.some(
      (field) => field.defaultValue() === undefined && refusesMissing(field.type) && !PRIMITIVE_BOXES.some((box) => field.name in box),
    );
    return refusesPrimitives && type.fields.every((field) => writerRefusesInvalid(field.type, seen));
  }
  if (type instanceof avro.types.ArrayType) return writerRefusesInvalid(type.itemsType, seen);
  if (type instanceof avro.types.MapType) return writerRefusesInvalid(type.valuesType as Type, seen);
  if (type instanceof avro.types.UnwrappedUnionType || type instanceof avro.types.WrappedUnionType)
    return type.types.every((branch) => writerRefusesInvalid(branch, seen));
  if (type instanceof JsonLogicalType) return writerRefusesInvalid(type.underlyingType, seen);
  return ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string', 'enum', 'fixed'].includes(type.typeName);
}

/** Whether writing a missing value (undefined) throws: for every type but an enum with a symbol named "undefined". */
function refusesMissing(type: Type): boolean {
  return !(type instanceof avro.types.EnumType && type.symbols.includes('undefined'));
}
