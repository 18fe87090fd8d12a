import avro from 'avsc';
import { LogicalValueError } from './logical-value-error.js';

/**
 * Base of crm-hub's logical types. Values flow through JSON mappings, JSONata and JSON HTTP APIs, so
 * each logical type's in-memory form is its JSON form (a string), never a Date, BigInt or Buffer.
 *
 * Subclasses convert with `toAvroValue` / `fromAvroValue` and throw `LogicalValueError` on bad
 * values; avsc's `isValid` swallows that error and reports the path through its errorHook, and
 * `explain` then gives the reason for that path.
 */
export abstract class JsonLogicalType extends avro.types.LogicalType {
  /** A short description such as `decimal(18,2)` for messages. */
  abstract describe(): string;

  /** The underlying Avro value (number, Buffer) for a JSON-form value; throws LogicalValueError. */
  abstract toAvroValue(value: unknown): unknown;

  /** The JSON-form value for an underlying Avro value; throws LogicalValueError on data it cannot represent. */
  abstract fromAvroValue(value: unknown): unknown;

  /**
   * Whether data written with another instance of this logical type can be read as this one
   * unchanged. The schema compatibility checker asks the same question, so both agree.
   */
  abstract readsSameKind(writer: JsonLogicalType): boolean;

  /** Why `value` is not valid for this type, or undefined when it is. */
  explain(value: unknown): string | undefined {
    try {
      this.toAvroValue(value);
      return undefined;
    } catch (error) {
      if (error instanceof LogicalValueError) return error.reason;
      throw error;
    }
  }

  /** Writer values the underlying type accepts by promotion but this type's converter does not (string → bytes). */
  protected promoteWriterValue(value: unknown): unknown {
    return value;
  }

  protected override _toValue(value: unknown): unknown {
    return this.toAvroValue(value);
  }

  protected override _fromValue(value: unknown): unknown {
    return this.fromAvroValue(value);
  }

  // Returning undefined makes avsc's createResolver throw "cannot read ... as ...", which is how an
  // incompatible writer must be reported.
  protected override _resolve(writer: avro.Type): ((value: unknown) => unknown) | undefined {
    if (avro.Type.isType(writer, 'logical')) {
      if (!(writer instanceof JsonLogicalType) || writer.typeName !== this.typeName || !this.readsSameKind(writer)) return undefined;
      // Other Avro libraries resolve the underlying types (decimal on bytes vs on fixed), so must we.
      try {
        this.underlyingType.createResolver(writer.underlyingType);
      } catch {
        return undefined;
      }
      // The writer type has already turned the bytes into the shared JSON form.
      return (value) => value;
    }
    try {
      this.underlyingType.createResolver(writer);
    } catch {
      return undefined;
    }
    return (value) => this.fromAvroValue(this.promoteWriterValue(value));
  }
}
