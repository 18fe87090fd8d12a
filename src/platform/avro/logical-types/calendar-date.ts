/**
 * Proleptic Gregorian calendar arithmetic shared by the date and timestamp logical types. JS Date is
 * only used on UTC components, and never through Date.UTC, which maps years 0-99 to 1900-1999.
 */

export const MILLIS_PER_DAY = 86_400_000;

/** A year as written in ISO-8601: four digits, or a sign and six digits outside 0000-9999. */
export const ISO_YEAR_PATTERN = '([+-]\\d{6}|\\d{4})';

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Milliseconds since the epoch at midnight UTC of a calendar day, assuming the day exists. */
export function epochMillisOfDay(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: exact for every proleptic Gregorian year, without a Date per call
  // (timestamps are parsed several times per record a flow writes).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return (era * 146097 + doe - 719468) * MILLIS_PER_DAY;
}

/** Parses an ISO year ("2026", "+010000", "-000001"); "-000000" is not a year. */
export function parseIsoYear(text: string): number | undefined {
  if (text === '-000000') return undefined;
  return Number(text);
}

/** The calendar day `days` after 1970-01-01 (before it when negative): Hinnant's civil_from_days. */
export function civilDateOfDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

function isoYear(year: number): string {
  return year >= 0 && year <= 9999
    ? TWO_DIGITS[Math.floor(year / 100)]! + TWO_DIGITS[year % 100]!
    : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
}

/** `YYYY-MM-DD` of a day count since 1970-01-01, as Date.prototype.toISOString writes the date part. */
export function formatIsoDateOfDays(days: number): string {
  const { year, month, day } = civilDateOfDays(days);
  return `${isoYear(year)}-${TWO_DIGITS[month]!}-${TWO_DIGITS[day]!}`;
}

/**
 * Exactly Date.prototype.toISOString of whole epoch milliseconds, without a Date: every timestamp a
 * flow reads is formatted once per record, and this is about four times faster.
 */
export function formatIsoTimestamp(epochMillis: number): string {
  const days = Math.floor(epochMillis / MILLIS_PER_DAY);
  let rest = epochMillis - days * MILLIS_PER_DAY;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${formatIsoDateOfDays(days)}T${TWO_DIGITS[hour]!}:${TWO_DIGITS[minute]!}:${TWO_DIGITS[second]!}.${THREE_DIGITS[millis]!}Z`;
}
