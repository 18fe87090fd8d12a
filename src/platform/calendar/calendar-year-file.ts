import { compileConfigSchema } from '../config/config-schema-compiler.js';
import type { ConfigIssue } from '../config/config-issue.js';
import { readConfigYaml } from '../config/config-yaml-reader.js';
import { validateAgainstSchema } from '../config/schema-issues.js';
import { dateOfDayNumber, dayNumberOf, type CalendarYearDays } from './business-calendar.js';

const DATE_LIST = { type: 'array', items: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } } as const;

const YEAR_FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['utcOffset', 'holidays', 'workingWeekends'],
  properties: {
    utcOffset: { type: 'string', pattern: '^[+-]\\d{2}:\\d{2}$', description: 'The zone the dates are in, e.g. "+08:00".' },
    holidays: { ...DATE_LIST, description: 'Every day off of the official holiday periods, YYYY-MM-DD.' },
    workingWeekends: { ...DATE_LIST, description: 'Saturdays and Sundays officially worked (调休上班), YYYY-MM-DD.' },
  },
} as const;

let validateYearFile: ReturnType<typeof compileConfigSchema> | undefined;

/** One year file of a calendar, read and checked. */
export interface CalendarYearFile {
  year: number;
  utcOffsetMs: number;
  days: CalendarYearDays;
  /** Where `utcOffset` is written, for an issue when the years of a calendar disagree. */
  utcOffsetIssue(message: string): ConfigIssue;
}

/**
 * Reads `<year>.yaml` (`text`, named `file`): problems come back as issues with file:line, never
 * thrown, so that a run lists them all. Checks that each date exists and is in the file's year, that
 * no date is both a holiday and a working weekend, and that working weekends fall on Saturday or Sunday.
 */
export function readCalendarYearFile(file: string, year: number, text: string): { yearFile?: CalendarYearFile; issues: ConfigIssue[] } {
  const yaml = readConfigYaml(file, text, {});
  if (yaml.issues.length > 0) return { issues: yaml.issues };
  if (yaml.value === undefined || yaml.value === null)
    return { issues: [{ file, line: 1, column: 1, path: '', code: 'CONFIG_EMPTY', message: 'the file is empty' }] };
  validateYearFile ??= compileConfigSchema(YEAR_FILE_SCHEMA);
  const issues = validateAgainstSchema(validateYearFile, yaml.value, [], yaml);
  if (issues.length > 0) return { issues };
  const data = yaml.value as { utcOffset: string; holidays: string[]; workingWeekends: string[] };

  const checkDates = (field: 'holidays' | 'workingWeekends'): Set<number> => {
    const days = new Set<number>();
    data[field].forEach((date, index) => {
      const day = dayNumberOf(date);
      if (!Number.isInteger(day) || dateOfDayNumber(day) !== date)
        issues.push(yaml.issueAt([field, index], 'VALUE_INVALID', 'is not a date of the calendar'));
      else if (Number(date.slice(0, 4)) !== year)
        issues.push(yaml.issueAt([field, index], 'VALUE_INVALID', `is not in ${year}, the year of the file`));
      else if (field === 'workingWeekends' && ![0, 6].includes(new Date(day * 86_400_000).getUTCDay()))
        issues.push(yaml.issueAt([field, index], 'VALUE_INVALID', 'is not a Saturday or Sunday: weekdays are working days already'));
      else days.add(day);
    });
    return days;
  };
  const holidays = checkDates('holidays');
  const workingWeekends = checkDates('workingWeekends');
  data.workingWeekends.forEach((date, index) => {
    if (holidays.has(dayNumberOf(date)))
      issues.push(yaml.issueAt(['workingWeekends', index], 'VALUE_INVALID', 'is also listed as a holiday: a day is one or the other'));
  });
  const [, sign, hours, minutes] = /^([+-])(\d{2}):(\d{2})$/.exec(data.utcOffset)!;
  const utcOffsetMs = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
  if (Number(hours) > 14 || Number(minutes) > 59)
    issues.push(yaml.issueAt(['utcOffset'], 'VALUE_INVALID', 'is not a UTC offset (-14:00 to +14:00)'));
  if (issues.length > 0) return { issues };
  return {
    yearFile: {
      year,
      utcOffsetMs,
      days: { holidays, workingWeekends },
      utcOffsetIssue: (message) => yaml.issueAt(['utcOffset'], 'VALUE_INVALID', message),
    },
    issues,
  };
}
