import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HubConfigError } from '../../../../src/platform/config/hub-config-error.js';
import { calendarDirs, calendarNames, loadBusinessCalendar } from '../../../../src/platform/calendar/calendar-loader.js';

const HOUR = 3_600_000;
const cn = (local: string): number => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);

function thrown(act: () => unknown): Error & { code?: string } {
  try {
    act();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('no error');
}

describe('calendar loader (calendars/<name>/<year>.yaml)', () => {
  let dir: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-calendars-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads CRM_HUB_CALENDARS_DIR first, then the project calendars/', () => {
    expect(calendarDirs({})).to.have.length(1);
    expect(calendarDirs({})[0]).to.match(/[/\\]calendars$/);
    expect(calendarDirs({ CRM_HUB_CALENDARS_DIR: dir })).to.deep.equal([dir, calendarDirs({})[0]]);
    expect(calendarNames(calendarDirs({}))).to.include('cn-workdays');
  });

  it('lists every problem of a year file with its line: bad dates, another year, a weekday as working weekend, a day in both lists, unknown keys', () => {
    write(
      'cn-test/2026.yaml',
      [
        'utcOffset: "+08:00"',
        'holidays:',
        '  - 2026-02-30',
        '  - 2025-12-31',
        '  - 2026-02-14',
        'workingWeekends:',
        '  - 2026-03-03',
        '  - 2026-02-14',
        'note: x',
        '',
      ].join('\n'),
    );
    const error = thrown(() => loadBusinessCalendar('cn-test', [dir]));
    expect(error).to.be.instanceOf(HubConfigError);
    const issues = (error as HubConfigError).issues;
    expect(issues.map((issue) => [issue.line, issue.code])).to.deep.equal([[9, 'KEY_UNKNOWN']]);
    // The schema is checked first; with the file shaped right, the dates are checked.
    write('cn-test/2026.yaml', fs.readFileSync(path.join(dir, 'cn-test/2026.yaml'), 'utf8').replace('note: x\n', ''));
    const dated = (thrown(() => loadBusinessCalendar('cn-test', [dir])) as HubConfigError).issues;
    expect(dated.map((issue) => `${issue.line} ${issue.path}: ${issue.message}`)).to.deep.equal([
      '3 holidays[0]: is not a date of the calendar',
      '4 holidays[1]: is not in 2026, the year of the file',
      '7 workingWeekends[0]: is not a Saturday or Sunday: weekdays are working days already',
      '8 workingWeekends[1]: is also listed as a holiday: a day is one or the other',
    ]);
    expect(dated[0]!.file).to.match(/cn-test[/\\]2026\.yaml$/);
    expect(error.message).to.contain('2026.yaml:9');
  });

  it('refuses years of one calendar in different zones, and a calendar without year files', () => {
    write('cn-test/2025.yaml', 'utcOffset: "+08:00"\nholidays: []\nworkingWeekends: []\n');
    write('cn-test/2026.yaml', 'utcOffset: "+09:00"\nholidays: []\nworkingWeekends: []\n');
    const issues = (thrown(() => loadBusinessCalendar('cn-test', [dir])) as HubConfigError).issues;
    expect(issues.map((issue) => [issue.file.slice(-9), issue.line, issue.path])).to.deep.equal([['2026.yaml', 1, 'utcOffset']]);
    expect(issues[0]!.message).to.match(/^differs from the utcOffset of .*2025\.yaml: a calendar has one zone$/);
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(thrown(() => loadBusinessCalendar('empty', [dir])).code).to.equal('CALENDAR_EMPTY');
  });

  it('names the closest calendars for an unknown one, and refuses names that are not folder names', () => {
    const unknown = thrown(() => loadBusinessCalendar('cn-workday'));
    expect(unknown.code).to.equal('CALENDAR_UNKNOWN');
    expect(unknown.message).to.contain('did you mean cn-workdays?');
    expect(thrown(() => loadBusinessCalendar('../cn-workdays')).code).to.equal('CALENDAR_UNKNOWN');
  });

  it("lets users add a year and replace a year in their own dir, and names that dir's file for a missing year", () => {
    // 2027 as a user might add it (made-up dates for the test), and a 2026 with no holidays at all.
    write('cn-workdays/2027.yaml', 'utcOffset: "+08:00"\nholidays: [2027-01-01]\nworkingWeekends: [2027-01-02]\n');
    write('cn-workdays/2026.yaml', 'utcOffset: "+08:00"\nholidays: []\nworkingWeekends: []\n');
    const calendar = loadBusinessCalendar('cn-workdays', calendarDirs({ CRM_HUB_CALENDARS_DIR: dir }));
    expect(calendar.knownYears).to.deep.equal([2025, 2026, 2027]);
    expect(calendar.isWorkingDay(cn('2026-10-01 12:00'))).to.equal(true);
    expect(calendar.isWorkingDay(cn('2027-01-01 12:00'))).to.equal(false);
    expect(calendar.isWorkingDay(cn('2027-01-02 12:00'))).to.equal(true);
    expect(calendar.utcOffsetMs).to.equal(8 * HOUR);
    expect(thrown(() => calendar.isWorkingDay(cn('2028-03-01 12:00'))).message).to.contain(path.join('cn-workdays', '2028.yaml'));
    expect(thrown(() => calendar.isWorkingDay(cn('2028-03-01 12:00'))).message).to.contain(path.basename(dir));
  });
});
