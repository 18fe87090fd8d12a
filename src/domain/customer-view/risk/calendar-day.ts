import { CustomerViewDataError } from './customer-view-data-error.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MILLIS_PER_DAY = 86_400_000;

/**
 * Policies, claims and renewals are dated in Chinese local days (Avro `date`, "YYYY-MM-DD"), while
 * event times are UTC instants: an instant is turned into the day it was in China Standard Time
 * (UTC+8, no daylight saving), or else a cancellation at 07:00 in Shenzhen would land on the day
 * before.
 */
export const CHINA_STANDARD_TIME_OFFSET_MINUTES = 480;

/** Days since 1970-01-01 of a "YYYY-MM-DD" day, so that day arithmetic is integer arithmetic. */
export function dayNumberOf(day: string, what = 'date'): number {
  const match = typeof day === 'string' ? DAY.exec(day) : null;
  if (match) {
    const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const millis = Date.UTC(year, month - 1, date);
    // Date.UTC rolls 2027-02-30 over into March; a day that does not exist is refused instead.
    if (new Date(millis).getUTCDate() === date && month >= 1 && month <= 12) return millis / MILLIS_PER_DAY;
  }
  throw new CustomerViewDataError('DATE_INVALID', `${what} is not a calendar day written YYYY-MM-DD`);
}

/** The "YYYY-MM-DD" of a day number. */
export function dayOfNumber(dayNumber: number): string {
  return new Date(dayNumber * MILLIS_PER_DAY).toISOString().slice(0, 10);
}

/** The day number an ISO instant falls on at a UTC offset; undefined when the text is not an instant. */
export function dayNumberOfInstant(
  instant: string | null | undefined,
  utcOffsetMinutes = CHINA_STANDARD_TIME_OFFSET_MINUTES,
): number | undefined {
  if (typeof instant !== 'string') return undefined;
  const millis = Date.parse(instant);
  if (Number.isNaN(millis)) return undefined;
  return Math.floor((millis + utcOffsetMinutes * 60_000) / MILLIS_PER_DAY);
}
