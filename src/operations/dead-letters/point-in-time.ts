import { fullFormats } from 'ajv-formats/dist/formats.js';
import { matchDuration, type DurationUnit } from '../../core/duration.js';
import { ConfigError } from '../../core/hub-error.js';

// An age counts back from now in whole seconds or more: the API's pattern (`^\d{1,6}[smhd]$`) has no ms.
const AGE_UNITS: readonly DurationUnit[] = ['s', 'm', 'h', 'd'];
/** The ages of AGE_UNITS as a JSON Schema pattern (each unit is one letter), for the API document. */
export const AGE_PATTERN = `^\\d{1,6}[${AGE_UNITS.join('')}]$`;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// A time of day without a zone would depend on where the CLI runs: require one.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The forms a point in time may take, for error messages and API descriptions. */
export const POINT_IN_TIME_FORMS =
  'an ISO date-time with zone (2026-03-01T08:00:00Z), a date (2026-03-01, midnight UTC) or an age (30m, 2h, 7d)';

// ajv-formats' own checks, so that a day that is not in the calendar (2026-02-30, 0000-00-00) is refused as the API's `date` format refuses it.
const isCalendarDate = (text: string): boolean => (fullFormats.date as { validate: (text: string) => boolean }).validate(text);
const isDateTime = (text: string): boolean => (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate(text);

/** Whether `text` is a point in time in one of the accepted forms, with a real calendar day and time of day. */
export function isPointInTime(text: string): boolean {
  const trimmed = text.trim();
  if (matchDuration(trimmed, AGE_UNITS) !== undefined) return true;
  if (DATE.test(trimmed)) return isCalendarDate(trimmed);
  const dateTime = DATE_TIME.exec(trimmed);
  // Seconds may be left out (08:00Z); the library's check wants them.
  return dateTime !== null && isDateTime(dateTime[3] === undefined ? `${dateTime[1]}T${dateTime[2]}:00${dateTime[5]}` : trimmed);
}

/**
 * A bound of a time range as people type it: an ISO date-time with zone (`2026-03-01T08:00:00Z`),
 * a date (`2026-03-01`, midnight UTC), or an age (`30m`, `2h`, `7d` ago). Throws ConfigError
 * DEAD_LETTER_FILTER_INVALID otherwise, naming the accepted forms.
 */
export function parsePointInTime(text: string, name: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  const age = matchDuration(trimmed, AGE_UNITS);
  if (age !== undefined) return new Date(now.getTime() - age);
  if (isPointInTime(trimmed)) {
    const ms = Date.parse(trimmed);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw new ConfigError('DEAD_LETTER_FILTER_INVALID', `${name} ${JSON.stringify(text)} is not a time: give ${POINT_IN_TIME_FORMS}`);
}
