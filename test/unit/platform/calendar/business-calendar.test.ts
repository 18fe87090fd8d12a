import { expect } from 'chai';
import fc from 'fast-check';
import { DAY_MS, type BusinessCalendar } from '../../../../src/platform/calendar/business-calendar.js';
import { loadBusinessCalendar } from '../../../../src/platform/calendar/calendar-loader.js';

const HOUR = 3_600_000;
/** An instant written in China's time, `2026-02-13 15:00`. */
const cn = (local: string): number => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
/** An instant shown in China's time, for readable failures. */
const shown = (instant: number): string => new Date(instant + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

describe('business calendar cn-workdays (calendars/cn-workdays)', () => {
  let calendar: BusinessCalendar;
  before(() => {
    calendar = loadBusinessCalendar('cn-workdays');
  });

  const days = (from: string, count: number) => shown(calendar.addWorkingDays(cn(from), count));

  it('has the official 2025 and 2026 data in UTC+8', () => {
    expect(calendar.knownYears).to.deep.equal([2025, 2026]);
    expect(calendar.utcOffsetMs).to.equal(8 * HOUR);
  });

  it('knows the 2026 Spring Festival: 15 to 23 Feb off, Saturdays 14 and 28 Feb worked', () => {
    const working = (date: string) => calendar.isWorkingDay(cn(`${date} 12:00`));
    expect(working('2026-02-13')).to.equal(true);
    expect(working('2026-02-14')).to.equal(true);
    for (let day = 15; day <= 23; day += 1) expect(working(`2026-02-${day}`), `2026-02-${day}`).to.equal(false);
    expect(working('2026-02-24')).to.equal(true);
    expect(working('2026-02-28')).to.equal(true);
    expect(working('2026-03-01')).to.equal(false);
    // From Friday 15:00: the rest of Friday, the worked Saturday, then nothing until Tuesday 24th.
    expect(days('2026-02-13 15:00', 1)).to.equal('2026-02-14 15:00');
    expect(days('2026-02-13 15:00', 2)).to.equal('2026-02-24 15:00');
    expect(days('2026-02-13 15:00', 3)).to.equal('2026-02-25 15:00');
  });

  it('knows the 2025 Spring Festival: 28 Jan to 4 Feb off, Sunday 26 Jan and Saturday 8 Feb worked', () => {
    expect(days('2025-01-24 09:00', 1)).to.equal('2025-01-26 09:00');
    expect(days('2025-01-27 09:00', 1)).to.equal('2025-02-05 09:00');
    expect(days('2025-02-07 09:00', 1)).to.equal('2025-02-08 09:00');
  });

  it('lands on the same time of day over a plain weekend: Friday 15:00 + 3d = Wednesday 15:00', () => {
    expect(days('2026-03-06 15:00', 3)).to.equal('2026-03-11 15:00');
  });

  it('knows the 2026 National Day: 1 to 7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked', () => {
    expect(days('2026-09-18 09:00', 1)).to.equal('2026-09-20 09:00');
    expect(days('2026-09-30 10:00', 1)).to.equal('2026-10-08 10:00');
    expect(days('2026-09-30 10:00', 2)).to.equal('2026-10-09 10:00');
    expect(days('2026-09-30 10:00', 3)).to.equal('2026-10-10 10:00');
    expect(days('2026-09-30 10:00', 4)).to.equal('2026-10-12 10:00');
  });

  it('counts from the start of the next working day when it starts on a holiday or weekend', () => {
    expect(days('2026-10-03 14:00', 0)).to.equal('2026-10-08 00:00');
    expect(days('2026-10-03 14:00', 1)).to.equal('2026-10-09 00:00');
    expect(shown(calendar.addWorkingTime(cn('2026-10-03 14:00'), 8 * HOUR))).to.equal('2026-10-08 08:00');
    expect(days('2026-03-07 09:30', 1)).to.equal('2026-03-10 00:00');
  });

  it('counts hours on working days only, 24 h each: Friday 20:00 + 8h = Monday 04:00', () => {
    expect(shown(calendar.addWorkingTime(cn('2026-03-06 20:00'), 8 * HOUR))).to.equal('2026-03-09 04:00');
  });

  it('ends a duration that runs out at midnight on the working day before it, holiday or not', () => {
    expect(days('2026-09-30 00:00', 1)).to.equal('2026-10-01 00:00');
  });

  it('crosses the year boundary: 31 Dec 2025 + 1d is the worked Sunday 4 Jan 2026', () => {
    expect(days('2025-12-31 10:00', 1)).to.equal('2026-01-04 10:00');
    expect(days('2025-12-31 10:00', 2)).to.equal('2026-01-05 10:00');
  });

  it('judges days in the zone of the calendar, not in UTC', () => {
    // Saturday 14 Feb 16:00 UTC is already Sunday 15 Feb 00:00 in China: a holiday.
    expect(calendar.isWorkingDay(Date.parse('2026-02-14T15:59:59Z'))).to.equal(true);
    expect(calendar.isWorkingDay(Date.parse('2026-02-14T16:00:00Z'))).to.equal(false);
  });

  it('refuses days of a year it has no data for, naming the file to add', () => {
    const missing = (act: () => unknown) => {
      try {
        act();
      } catch (error) {
        return error as Error & { code: string; retriable: boolean };
      }
      throw new Error('no error');
    };
    const late = missing(() => calendar.addWorkingDays(cn('2026-12-31 10:00'), 1));
    expect(late.code).to.equal('CALENDAR_YEAR_MISSING');
    expect(late.retriable).to.equal(false);
    expect(late.message).to.contain('2027').and.contain('calendars/cn-workdays/2027.yaml');
    expect(missing(() => calendar.isWorkingDay(cn('2024-06-03 10:00'))).message).to.contain('calendars/cn-workdays/2024.yaml');
    // The last day of the data is still answered.
    expect(days('2026-12-30 10:00', 1)).to.equal('2026-12-31 10:00');
  });

  it('refuses a negative or fractional working time', () => {
    expect(() => calendar.addWorkingTime(cn('2026-03-06 10:00'), -1)).to.throw(/whole, non-negative/);
    expect(() => calendar.addWorkingTime(cn('2026-03-06 10:00'), 0.5)).to.throw(/whole, non-negative/);
  });

  it('property: n working days later is on a working day, exactly n working days of time later, and never earlier for a later start', () => {
    const from = cn('2025-01-01 00:00');
    const to = cn('2026-10-31 00:00');
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 5 * DAY_MS }),
        (start, n, gap) => {
          const end = calendar.addWorkingDays(start, n);
          expect(end).to.be.at.least(start);
          expect(calendar.workingTimeBetween(start, end)).to.equal(n * DAY_MS);
          if (n > 0) expect(calendar.isWorkingDay(end - 1), shown(end)).to.equal(true);
          if (calendar.isWorkingDay(start)) expect((end - start) % DAY_MS).to.equal(0);
          expect(calendar.addWorkingDays(start + gap, n)).to.be.at.least(end);
        },
      ),
      { numRuns: 300 },
    );
  });
});
