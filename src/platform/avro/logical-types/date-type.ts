import type avro from 'avsc';
import { ISO_YEAR_PATTERN, MILLIS_PER_DAY, daysInMonth, epochMillisOfDay, formatIsoDateOfDays, parseIsoYear } from './calendar-date.js';
import { JsonLogicalType } from './json-logical-type.js';
import { SchemaInvalidError } from '../schema-errors.js';
import { LogicalValueError } from './logical-value-error.js';

const DATE_TEXT = new RegExp(`^${ISO_YEAR_PATTERN}-(\\d{2})-(\\d{2})$`);

// The range ECMAScript dates cover; beyond it there is no calendar day to print.
const MAX_EPOCH_DAYS = 100_000_000;

/**
 * Avro `date` (an int counting days since 1970-01-01) held as a `YYYY-MM-DD` string. A JS Date is
 * not accepted: it is an instant, and which day it falls on depends on a time zone the hub cannot know.
 */
export class DateType extends JsonLogicalType {
  constructor(schema: unknown, opts?: unknown) {
    super(schema as avro.schema.AvroSchema, opts);
    if (this.underlyingType.typeName !== 'int')
      throw new SchemaInvalidError(`logical type date must annotate an int, not ${this.underlyingType.typeName}`);
  }

  describe(): string {
    return 'date';
  }

  toAvroValue(value: unknown): number {
    if (typeof value !== 'string') throw new LogicalValueError('date', value, 'expected a YYYY-MM-DD string');
    const match = DATE_TEXT.exec(value);
    const year = match?.[1] === undefined ? undefined : parseIsoYear(match[1]);
    if (!match || year === undefined) throw new LogicalValueError('date', value, 'expected a YYYY-MM-DD string');
    const month = Number(match[2]);
    const day = Number(match[3]);
    if (month < 1 || month > 12) throw new LogicalValueError('date', value, `there is no month ${month}`);
    if (day < 1 || day > daysInMonth(year, month))
      throw new LogicalValueError('date', value, `${year}-${String(month).padStart(2, '0')} has no day ${day}`);
    const days = epochMillisOfDay(year, month, day) / MILLIS_PER_DAY;
    if (Math.abs(days) > MAX_EPOCH_DAYS) throw new LogicalValueError('date', value, 'outside the range of representable dates');
    return days;
  }

  fromAvroValue(value: unknown): string {
    if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > MAX_EPOCH_DAYS) {
      throw new LogicalValueError('date', value, 'expected a whole number of days within ±100,000,000 of 1970-01-01');
    }
    return formatIsoDateOfDays(value);
  }

  readsSameKind(): boolean {
    return true;
  }
}
