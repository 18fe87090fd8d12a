import avro from 'avsc';
import { plainDecimalText } from '../../../core/plain-decimal-text.js';
import { SchemaInvalidError } from '../schema-errors.js';
import { JsonLogicalType } from './json-logical-type.js';
import { LogicalValueError } from './logical-value-error.js';

const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * Avro `decimal` held as a string with exactly `scale` digits after the point ("12345.60"), so that
 * money never passes through a binary float. The unscaled value travels as a two's-complement
 * big-endian integer, in as few bytes as possible for `bytes` and sign-extended for `fixed`.
 *
 * On encode it also takes numbers, bigints and strings with fewer fraction digits. More fraction
 * digits are rejected unless they are trailing zeros, which lose nothing.
 */
export class DecimalType extends JsonLogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly fixedSize: number | undefined;

  constructor(schema: unknown, opts?: unknown) {
    super(schema as avro.schema.AvroSchema, opts);
    const attributes = schema as { precision?: unknown; scale?: unknown };
    const precision = attributes.precision;
    const scale = attributes.scale ?? 0;
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      throw new SchemaInvalidError(`decimal precision must be a positive integer, not ${JSON.stringify(precision)}`);
    }
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new SchemaInvalidError(`decimal scale must be an integer from 0 to the precision ${precision}, not ${JSON.stringify(scale)}`);
    }
    const underlying = this.underlyingType;
    if (underlying instanceof avro.types.FixedType) {
      const maxPrecision = maxPrecisionOfFixed(underlying.size);
      if (precision > maxPrecision)
        throw new SchemaInvalidError(
          `decimal(${precision},${scale}) does not fit in fixed(${underlying.size}), which holds at most ${maxPrecision} digits`,
        );
      this.fixedSize = underlying.size;
    } else if (underlying.typeName !== 'bytes') {
      throw new SchemaInvalidError(`logical type decimal must annotate bytes or fixed, not ${underlying.typeName}`);
    }
    this.precision = precision;
    this.scale = scale;
  }

  describe(): string {
    return `decimal(${this.precision},${this.scale})`;
  }

  toAvroValue(value: unknown): Buffer {
    return this.bytesOf(this.unscaledValueOf(value), value);
  }

  fromAvroValue(value: unknown): string {
    if (!Buffer.isBuffer(value)) throw new LogicalValueError(this.describe(), value, 'expected bytes');
    return this.format(fromTwosComplement(value));
  }

  readsSameKind(writer: JsonLogicalType): boolean {
    // Same scale: the unscaled integer means the same number. Wider writer precision could overflow.
    return writer instanceof DecimalType && writer.scale === this.scale && writer.precision <= this.precision;
  }

  /** Orders by numeric value; the default would compare the encoded bytes. */
  override compare(left: unknown, right: unknown): number {
    const a = this.unscaledValueOf(left);
    const b = this.unscaledValueOf(right);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  protected override promoteWriterValue(value: unknown): unknown {
    // Avro lets bytes read string data; the promoted value is the string's UTF-8 bytes.
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  }

  // avsc exports only `logicalType` for logical types unless told which other attributes matter.
  protected override _export(schema: avro.schema.AvroSchema): void {
    Object.assign(schema as object, { precision: this.precision, scale: this.scale });
  }

  private unscaledValueOf(value: unknown): bigint {
    const text = plainDecimalText(value);
    const match = text === undefined ? null : DECIMAL_TEXT.exec(text);
    if (!match) throw new LogicalValueError(this.describe(), value, 'expected a decimal number such as "3860.50"');
    const [, sign, integerDigits = '', rawFraction = ''] = match;
    const fraction = rawFraction.replace(/0+$/, '');
    if (fraction.length > this.scale) {
      throw new LogicalValueError(
        this.describe(),
        value,
        `it has ${fraction.length} significant digits after the point and the scale allows ${this.scale}`,
      );
    }
    const unscaled = BigInt(integerDigits + fraction.padEnd(this.scale, '0'));
    const digits = unscaled === 0n ? 0 : unscaled.toString().length;
    if (digits > this.precision) {
      throw new LogicalValueError(this.describe(), value, `it has ${digits} significant digits and the precision allows ${this.precision}`);
    }
    return sign === '-' ? -unscaled : unscaled;
  }

  private bytesOf(unscaled: bigint, value: unknown): Buffer {
    const minimal = toTwosComplement(unscaled);
    if (this.fixedSize === undefined) return minimal;
    if (minimal.length > this.fixedSize) throw new LogicalValueError(this.describe(), value, `it does not fit in ${this.fixedSize} bytes`);
    return Buffer.concat([Buffer.alloc(this.fixedSize - minimal.length, unscaled < 0n ? 0xff : 0x00), minimal]);
  }

  private format(unscaled: bigint): string {
    const negative = unscaled < 0n;
    const digits = (negative ? -unscaled : unscaled).toString().padStart(this.scale + 1, '0');
    const integerPart = digits.slice(0, digits.length - this.scale);
    const body = this.scale === 0 ? integerPart : `${integerPart}.${digits.slice(digits.length - this.scale)}`;
    return negative ? `-${body}` : body;
  }
}

function toTwosComplement(value: bigint): Buffer {
  let byteLength = 1;
  // The smallest width whose signed range holds the value.
  while (value >= 1n << BigInt(8 * byteLength - 1) || value < -(1n << BigInt(8 * byteLength - 1))) byteLength += 1;
  const encoded = value < 0n ? (1n << BigInt(8 * byteLength)) + value : value;
  return Buffer.from(encoded.toString(16).padStart(2 * byteLength, '0'), 'hex');
}

function fromTwosComplement(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const magnitude = BigInt(`0x${bytes.toString('hex')}`);
  const negative = ((bytes[0] ?? 0) & 0x80) !== 0;
  return negative ? magnitude - (1n << BigInt(8 * bytes.length)) : magnitude;
}

/** The number of decimal digits any value of a signed `size`-byte integer can have, per the specification. */
function maxPrecisionOfFixed(size: number): number {
  if (size < 1) return 0;
  return ((1n << BigInt(8 * size - 1)) - 1n).toString().length - 1;
}
