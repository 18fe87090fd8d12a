import { describeError } from '../../core/hub-error.js';
import { CalendarYearMissingError, type BusinessCalendar } from '../../platform/calendar/business-calendar.js';
import { businessCalendar } from '../../platform/calendar/calendar-loader.js';
import type { StepCompileContext } from '../flow-step.js';
import { StepMessageError } from './step-message-error.js';
import type { TimeoutDue } from './timeout-due.js';

/** A timeout's due time with its `calendar` applied, and when a cancellation at an instant may be forgotten. */
export interface CalendarTimeoutDue extends TimeoutDue {
  /** `instant` + the `after` duration (in working time under a calendar); undefined when `after` is an expression. */
  afterFrom(instant: number): number | undefined;
}

/**
 * Applies a timeout's `calendar` (e.g. cn-workdays, from calendars/) to its `after` duration: it
 * then counts working time only (see BusinessCalendar). The calendar is read once per process, at
 * compile time, where an unknown name or a bad data file is reported. An instant in a year the
 * calendar has no data for fails the record (CALENDAR_YEAR_MISSING, a dead letter naming the file to add).
 */
export function withTimeoutCalendar(
  context: StepCompileContext,
  relativePath: (string | number)[],
  name: string | undefined,
  due: TimeoutDue,
): CalendarTimeoutDue {
  const plain: CalendarTimeoutDue = {
    ...due,
    afterFrom: (instant) => (due.afterMs === undefined ? undefined : instant + due.afterMs),
  };
  if (name === undefined) return plain;
  let calendar: BusinessCalendar;
  try {
    calendar = businessCalendar(name);
  } catch (error) {
    context.report(relativePath, 'VALUE_INVALID', describeError(error).message);
    return plain;
  }
  const afterMs = due.afterMs;
  if (afterMs === undefined) {
    context.report(
      relativePath,
      'VALUE_INVALID',
      'a calendar applies to an `after` duration (e.g. 3d), not to an instant an expression gives',
    );
    return plain;
  }
  const workingTimeFrom = (instant: number): number => {
    try {
      return calendar.addWorkingTime(instant, afterMs);
    } catch (error) {
      if (error instanceof CalendarYearMissingError) throw new StepMessageError(error.code, `timeout: ${error.message}`, { cause: error });
      throw error;
    }
  };
  return {
    afterMs,
    dueAt: (_message, eventTime) => workingTimeFrom(eventTime),
    afterFrom: workingTimeFrom,
  };
}
