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

/** Formats the date part of an epoch-millis instant the way Date.prototype.toISOString does. */
export function formatIsoDate(date: Date): string {
  const year = date.getUTCFullYear();
  const yearText = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
  return `${yearText}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}
