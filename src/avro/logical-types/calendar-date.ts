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
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
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
