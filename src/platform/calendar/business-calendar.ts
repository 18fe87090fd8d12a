import { HubError } from '../../core/hub-error.js';

export const DAY_MS = 86_400_000;

/** The days of one year a calendar knows, as local day numbers (days since 1970-01-01 in the calendar's zone). */
export interface CalendarYearDays {
  holidays: ReadonlySet<number>;
  workingWeekends: ReadonlySet<number>;
}

/** An instant falls in a year the calendar has no data for: it cannot say which days are worked, and will not guess. */
export class CalendarYearMissingError extends HubError {
  readonly year: number;

  constructor(calendar: string, year: number, whereToAdd: string) {
    super(
      'CALENDAR_YEAR_MISSING',
      `calendar ${calendar} has no data for ${year}: add ${whereToAdd} with that year's holidays and working weekends`,
    );
    this.year = year;
  }
}

/** The local day number of `YYYY-MM-DD` (the date as written, no zone). */
export function dayNumberOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** `YYYY-MM-DD` of a local day number. */
export function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

function isWeekend(day: number): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * Working days in one fixed-offset zone (cn-workdays: UTC+8): Monday to Friday but the year's
 * holidays, plus the weekend days officially worked instead. Time is counted on working days only,
 * 24 hours each (no office hours): adding `n` days from a working day lands on the n-th working day
 * after it at the same time of day (Friday 15:00 + 3d = Wednesday 15:00 over a plain weekend);
 * from a non-working day, counting starts at 00:00 of the next working day. A duration that ends
 * exactly at midnight ends the working day before it (Monday 00:00 + 1d = Tuesday 00:00, even if
 * Tuesday is a holiday). A day in a year without data throws CALENDAR_YEAR_MISSING: treating its
 * holidays as working days would silently shorten every deadline.
 */
export class BusinessCalendar {
  constructor(
    readonly name: string,
    /** Milliseconds the zone is ahead of UTC (UTC+8: 28,800,000). */
    readonly utcOffsetMs: number,
    private readonly years: ReadonlyMap<number, CalendarYearDays>,
    /** The file to add for a missing year, for the error message, e.g. `calendars/cn-workdays/2027.yaml`. */
    private readonly whereToAdd: (year: number) => string,
  ) {}

  /** The years the calendar has data for, ascending. */
  get knownYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  isWorkingDay(instant: number): boolean {
    return this.isWorkingDayNumber(this.dayOf(instant));
  }

  /** `n` whole working days after `instant` (see the class comment). */
  addWorkingDays(instant: number, n: number): number {
    return this.addWorkingTime(instant, n * DAY_MS);
  }

  /** The instant by which `durationMs` of working-day time has passed since `instant`. */
  addWorkingTime(instant: number, durationMs: number): number {
    if (!Number.isSafeInteger(durationMs) || durationMs < 0 || !Number.isFinite(instant))
      throw new HubError('CALENDAR_DURATION_INVALID', `calendar ${this.name}: a working time must be a whole, non-negative number of ms`);
    let day = this.dayOf(instant);
    let intoDay = instant + this.utcOffsetMs - day * DAY_MS;
    if (!this.isWorkingDayNumber(day)) {
      intoDay = 0;
      do day += 1;
      while (!this.isWorkingDayNumber(day));
    }
    let remaining = durationMs;
    if (remaining <= DAY_MS - intoDay) return this.startOf(day) + intoDay + remaining;
    remaining -= DAY_MS - intoDay;
    for (;;) {
      day += 1;
      if (!this.isWorkingDayNumber(day)) continue;
      if (remaining <= DAY_MS) return this.startOf(day) + remaining;
      remaining -= DAY_MS;
    }
  }

  /** The working-day time between two instants (`from` ≤ `to`), the inverse of addWorkingTime. */
  workingTimeBetween(from: number, to: number): number {
    let total = 0;
    for (let day = this.dayOf(from); this.startOf(day) < to; day += 1) {
      if (!this.isWorkingDayNumber(day)) continue;
      total += Math.min(to, this.startOf(day + 1)) - Math.max(from, this.startOf(day));
    }
    return Math.max(0, total);
  }

  private dayOf(instant: number): number {
    return Math.floor((instant + this.utcOffsetMs) / DAY_MS);
  }

  private startOf(day: number): number {
    return day * DAY_MS - this.utcOffsetMs;
  }

  private isWorkingDayNumber(day: number): boolean {
    const year = yearOfDay(day);
    const days = this.years.get(year);
    if (!days) throw new CalendarYearMissingError(this.name, year, this.whereToAdd(year));
    if (days.workingWeekends.has(day)) return true;
    return !isWeekend(day) && !days.holidays.has(day);
  }
}
