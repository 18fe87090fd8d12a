import fs from 'node:fs';
import path from 'node:path';
import { closestNames } from '../../core/closest-names.js';
import { ConfigError } from '../../core/hub-error.js';
import type { ConfigIssue } from '../config/config-issue.js';
import { HubConfigError } from '../config/hub-config-error.js';
import { projectRoot } from '../infra/project-root.js';
import { BusinessCalendar, type CalendarYearDays } from './business-calendar.js';
import { readCalendarYearFile } from './calendar-year-file.js';

const CALENDAR_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const YEAR_FILE = /^(\d{4})\.yaml$/;

/**
 * Where calendars are looked for, the one that wins first: `CRM_HUB_CALENDARS_DIR` when set (users'
 * own calendars and years, kept out of the installed package), then the project's `calendars/`.
 */
export function calendarDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const builtIn = path.join(projectRoot(), 'calendars');
  return env.CRM_HUB_CALENDARS_DIR ? [path.resolve(env.CRM_HUB_CALENDARS_DIR), builtIn] : [builtIn];
}

/** The calendars in `dirs`: their folder names, sorted. */
export function calendarNames(dirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    if (!isDirectory(dir)) continue;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory() && CALENDAR_NAME.test(entry.name)) names.add(entry.name);
  }
  return [...names].sort();
}

/**
 * Reads calendar `name` from the `<dir>/<name>/<year>.yaml` files of `dirs`; a year in an earlier
 * dir replaces the same year in a later one. Throws ConfigError CALENDAR_UNKNOWN (with the closest
 * names) or HubConfigError listing every problem of the files with file:line.
 */
export function loadBusinessCalendar(name: string, dirs: readonly string[] = calendarDirs()): BusinessCalendar {
  const known = calendarNames(dirs);
  if (!CALENDAR_NAME.test(name) || !known.includes(name)) {
    const closest = closestNames(name, known);
    const hint = closest.length > 0 ? `; did you mean ${closest.join(', ')}?` : known.length > 0 ? `; known: ${known.join(', ')}` : '';
    throw new ConfigError('CALENDAR_UNKNOWN', `no calendar ${JSON.stringify(name)} in ${dirs.join(', ')}${hint}`);
  }
  const years = new Map<number, CalendarYearDays>();
  const issues: ConfigIssue[] = [];
  let offset: { ms: number; file: string } | undefined;
  for (const dir of [...dirs].reverse()) {
    const folder = path.join(dir, name);
    if (!isDirectory(folder)) continue;
    for (const entry of fs.readdirSync(folder).sort()) {
      const match = YEAR_FILE.exec(entry);
      if (!match) continue;
      const file = path.join(folder, entry);
      const read = readCalendarYearFile(displayPath(file), Number(match[1]), readYearFile(file));
      issues.push(...read.issues);
      if (!read.yearFile) continue;
      offset ??= { ms: read.yearFile.utcOffsetMs, file: displayPath(file) };
      if (read.yearFile.utcOffsetMs !== offset.ms)
        issues.push(read.yearFile.utcOffsetIssue(`differs from the utcOffset of ${offset.file}: a calendar has one zone`));
      years.set(read.yearFile.year, read.yearFile.days);
    }
  }
  if (issues.length > 0) throw new HubConfigError(`calendar ${name}`, issues);
  if (!offset)
    throw new ConfigError(
      'CALENDAR_EMPTY',
      `calendar ${name} has no year files (<year>.yaml) in ${dirs.map((dir) => path.join(dir, name)).join(', ')}`,
    );
  return new BusinessCalendar(name, offset.ms, years, (year) => displayPath(path.join(dirs[0]!, name, `${year}.yaml`)));
}

const loaded = new Map<string, BusinessCalendar>();

/** Calendar `name` from calendarDirs(), read once per process (the files are read at flow compile time, not per record). */
export function businessCalendar(name: string): BusinessCalendar {
  const key = `${calendarDirs().join('\n')}\n${name}`;
  let calendar = loaded.get(key);
  if (!calendar) {
    calendar = loadBusinessCalendar(name);
    loaded.set(key, calendar);
  }
  return calendar;
}

function isDirectory(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function readYearFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'CALENDAR_UNREADABLE',
      `cannot read ${displayPath(file)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
      {
        cause: error,
      },
    );
  }
}

/** A path relative to the working directory when it is under it: what people see in messages. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
