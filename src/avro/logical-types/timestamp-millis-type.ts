import type avro from 'avsc';
import { SchemaInvalidError } from '../schema-errors.js';
import { ISO_YEAR_PATTERN, daysInMonth, epochMillisOfDay, parseIsoYear } from './calendar-date.js';
import { JsonLogicalType } from './json-logical-type.js';
import { LogicalValueError } from './logical-value-error.js';

const TIMESTAMP_TEXT = new RegExp(`^${ISO_YEAR_PATTERN}-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}:\\d{2})$`);

// ECMAScript's Date range; toISOString throws beyond it.
const MAX_EPOCH_MILLIS = 8.64e15;

/**
 * Avro `timestamp-millis` (a long counting milliseconds since the epoch) held as an ISO-8601 UTC
 * string such as `2026-11-23T08:30:00.000Z`. On encode it also takes a JS Date, and ISO strings with
 * an offset (`2026-11-23T16:30:00+08:00`, as Chinese back ends often send) or fewer fraction digits.
 */
export class TimestampMillisType extends JsonLogicalType {
  constructor(schema: unknown, opts?: unknown) {
    super(schema as avro.schema.AvroSchema, opts);
    if (this.underlyingType.typeName !== 'long') {
      throw new SchemaInvalidError(`logical type timestamp-millis must annotate a long, not ${this.underlyingType.typeName}`);
    }
  }

  describe(): string {
    return 'timestamp-millis';
  }

  toAvroValue(value: unknown): number {
    if (value instanceof Date) {
      const millis = value.getTime();
      if (Number.isNaN(millis)) throw new LogicalValueError('timestamp-millis', value, 'the Date is invalid');
      return millis;
    }
    if (typeof value !== 'string') throw new LogicalValueError('timestamp-millis', value, 'expected an ISO-8601 string such as 2026-11-23T08:30:00.000Z or a Date');
    return parseTimestamp(value);
  }

  fromAvroValue(value: unknown): string {
    if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > MAX_EPOCH_MILLIS) {
      throw new LogicalValueError('timestamp-millis', value, 'expected whole milliseconds within ±8.64e15 of the epoch');
    }
    return new Date(value).toISOString();
  }

  readsSameKind(): boolean {
    return true;
  }
}

function parseTimestamp(text: string): number {
  const match = TIMESTAMP_TEXT.exec(text);
  const year = match?.[1] === undefined ? undefined : parseIsoYear(match[1]);
  if (!match || year === undefined) {
    throw new LogicalValueError('timestamp-millis', text, 'expected an ISO-8601 timestamp with a zone, such as 2026-11-23T08:30:00.000Z');
  }
  const [month, day, hour, minute, second] = match.slice(2, 7).map(Number) as [number, number, number, number, number];
  const fraction = match[7] ?? '';
  const zone = match[8] ?? 'Z';
  if (month < 1 || month > 12) throw new LogicalValueError('timestamp-millis', text, `there is no month ${month}`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new LogicalValueError('timestamp-millis', text, `${year}-${String(month).padStart(2, '0')} has no day ${day}`);
  }
  if (hour > 23 || minute > 59 || second > 59) throw new LogicalValueError('timestamp-millis', text, 'the time of day is out of range');
  // Truncating would silently change the value, so sub-millisecond digits must be zero.
  if (/[1-9]/.test(fraction.slice(3))) throw new LogicalValueError('timestamp-millis', text, 'timestamp-millis cannot hold fractions of a millisecond');
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetRest = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetRest > 59) throw new LogicalValueError('timestamp-millis', text, `the zone offset ${zone} is out of range`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const epochMillis = epochMillisOfDay(year, month, day) + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  if (Math.abs(epochMillis) > MAX_EPOCH_MILLIS) throw new LogicalValueError('timestamp-millis', text, 'outside the range of representable instants');
  return epochMillis;
}
