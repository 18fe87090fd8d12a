import type avro from 'avsc';
import { SchemaInvalidError } from '../schema-errors.js';
import { ISO_YEAR_PATTERN, daysInMonth, epochMillisOfDay, formatIsoTimestamp, parseIsoYear } from './calendar-date.js';
import { JsonLogicalType } from './json-logical-type.js';
import { LogicalValueError } from './logical-value-error.js';

const TIMESTAMP_TEXT = new RegExp(
  `^${ISO_YEAR_PATTERN}-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}:\\d{2})$`,
);

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
    if (typeof value !== 'string')
      throw new LogicalValueError('timestamp-millis', value, 'expected an ISO-8601 string such as 2026-11-23T08:30:00.000Z or a Date');
    return parseTimestamp(value);
  }

  fromAvroValue(value: unknown): string {
    if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > MAX_EPOCH_MILLIS) {
      throw new LogicalValueError('timestamp-millis', value, 'expected whole milliseconds within ±8.64e15 of the epoch');
    }
    return formatIsoTimestamp(value);
  }

  readsSameKind(): boolean {
    return true;
  }
}

/** The digit at `at`, or a number so negative that any field holding it fails the range checks. */
function digit(text: string, at: number): number {
  const code = text.charCodeAt(at) - 48;
  return code >= 0 && code <= 9 ? code : -1000000;
}

/**
 * `2026-11-23T08:30:00.000Z` — the form decoding gives and so nearly every timestamp a flow
 * writes — read by character codes; undefined for any other form (or an impossible date), which
 * the general parser reads or refuses with its reason.
 */
function parseCanonical(text: string): number | undefined {
  if (
    text.length !== 24 ||
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 ||
    text.charCodeAt(19) !== 46 ||
    text.charCodeAt(23) !== 90
  )
    return undefined;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const hour = digit(text, 11) * 10 + digit(text, 12);
  const minute = digit(text, 14) * 10 + digit(text, 15);
  const second = digit(text, 17) * 10 + digit(text, 18);
  const millis = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    millis < 0
  )
    return undefined;
  return epochMillisOfDay(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

function parseTimestamp(text: string): number {
  const canonical = parseCanonical(text);
  if (canonical !== undefined) return canonical;
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
  if (/[1-9]/.test(fraction.slice(3)))
    throw new LogicalValueError('timestamp-millis', text, 'timestamp-millis cannot hold fractions of a millisecond');
  const millis = Number(fraction.slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetRest = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetRest > 59)
      throw new LogicalValueError('timestamp-millis', text, `the zone offset ${zone} is out of range`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  const epochMillis = epochMillisOfDay(year, month, day) + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  if (Math.abs(epochMillis) > MAX_EPOCH_MILLIS)
    throw new LogicalValueError('timestamp-millis', text, 'outside the range of representable instants');
  return epochMillis;
}
