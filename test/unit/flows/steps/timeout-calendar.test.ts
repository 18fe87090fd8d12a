import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TIMEOUT_DUE_HEADER, timeoutStep } from '../../../../src/flows/steps/timeout.js';
import { sampleClaim } from '../../../fixtures/sample-records.js';
import { MemoryState, compileStep, failureOf, fire, messageOf, run } from './step-harness.js';

const cn = (local: string): number => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);

const claim = (claimNumber: string, at: number, status: string) =>
  messageOf(
    'claims.claim.v1',
    {
      ...sampleClaim(),
      claimNumber,
      status,
      meta: { ...(sampleClaim().meta as object), eventId: `${claimNumber}-${status}-${at}`, occurredAt: new Date(at).toISOString() },
    },
    claimNumber,
    'crmhub.claim.Claim',
  );

const config = (changes: Record<string, unknown> = {}) => ({
  key: 'claimNumber',
  after: '3d',
  calendar: 'cn-workdays',
  until: 'status = "ASSESSING"',
  then: { to: { topic: 'claims.claim.v1' } },
  ...changes,
});

/** A state whose clock is late enough for every event time of these tests. */
const laterState = () => new MemoryState({ now: Date.parse('2026-12-01T00:00:00Z') });

async function timeoutOn(state: MemoryState, changes: Record<string, unknown> = {}) {
  const { step, issues } = await compileStep(timeoutStep, config(changes), { input: 'Claim', state, index: 2 });
  expect(issues).to.deep.equal([]);
  return step;
}

const moveTo = (step: Awaited<ReturnType<typeof timeoutOn>>, state: MemoryState, at: number) =>
  run(step, claim(`OTHER-${at}`, at, 'ASSESSING'), state);

describe('timeout step with a business calendar', () => {
  it('counts `after` in working days: 3d from Friday 13 Feb 2026 15:00 is Wednesday 25 Feb 15:00 over the Spring Festival', async () => {
    const state = laterState();
    const step = await timeoutOn(state);
    await run(step, claim('C-1', cn('2026-02-13 15:00'), 'REPORTED'), state);
    await moveTo(step, state, cn('2026-02-25 15:00') - 1);
    expect(await fire(step, state)).to.deep.equal([]);
    await moveTo(step, state, cn('2026-02-25 15:00'));
    const fired = await fire(step, state);
    expect(fired.map((message) => [message.key, message.headers[TIMEOUT_DUE_HEADER]])).to.deep.equal([
      ['C-1', new Date(cn('2026-02-25 15:00')).toISOString()],
    ]);
  });

  it('remembers a cancellation for `after` in working time, so that an older record arriving later starts nothing', async () => {
    const state = laterState();
    const step = await timeoutOn(state);
    await run(step, claim('C-1', cn('2026-02-13 15:00'), 'REPORTED'), state);
    await run(step, claim('C-1', cn('2026-02-13 16:00'), 'ASSESSING'), state);
    // Three calendar days after the cancellation, but inside the Spring Festival: still remembered.
    await moveTo(step, state, cn('2026-02-20 00:00'));
    expect(await fire(step, state)).to.deep.equal([]);
    await run(step, claim('C-1', cn('2026-02-13 15:00'), 'REPORTED'), state);
    await moveTo(step, state, cn('2026-03-02 00:00'));
    expect(await fire(step, state)).to.deep.equal([]);
  });

  it('without a calendar still counts calendar days', async () => {
    const state = laterState();
    const step = await timeoutOn(state, { calendar: undefined });
    await run(step, claim('C-1', cn('2026-02-13 15:00'), 'REPORTED'), state);
    await moveTo(step, state, cn('2026-02-16 15:00'));
    expect((await fire(step, state)).map((message) => message.key)).to.deep.equal(['C-1']);
  });

  it('fails a record whose due time falls in a year without calendar data (a dead letter naming the file to add)', async () => {
    const state = laterState();
    const step = await timeoutOn(state);
    const failure = await failureOf(step, claim('C-1', cn('2024-06-03 10:00'), 'REPORTED'), state);
    expect(failure.code).to.equal('CALENDAR_YEAR_MISSING');
    expect(failure.retriable).to.equal(false);
    expect(failure.message).to.contain('calendars/cn-workdays/2024.yaml');
  });

  it('reports an unknown calendar with the closest names, and a calendar on an `after` expression', async () => {
    const unknown = await compileStep(timeoutStep, config({ calendar: 'cn-workday' }), { input: 'Claim', index: 2 });
    expect(unknown.issues.map((issue) => [issue.path, issue.code])).to.deep.equal([[['calendar'], 'VALUE_INVALID']]);
    expect(unknown.issues[0]!.message).to.contain('did you mean cn-workdays?');
    const onInstant = await compileStep(timeoutStep, config({ after: 'meta.occurredAt' }), { input: 'Claim', index: 2 });
    expect(onInstant.issues.map((issue) => [issue.path, issue.message])).to.deep.equal([
      [['calendar'], 'a calendar applies to an `after` duration (e.g. 3d), not to an instant an expression gives'],
    ]);
  });

  it('reports the problems of a calendar data file with their file:line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-calendars-'));
    const before = process.env.CRM_HUB_CALENDARS_DIR;
    try {
      fs.mkdirSync(path.join(dir, 'cn-workdays'));
      fs.writeFileSync(path.join(dir, 'cn-workdays', '2027.yaml'), 'utcOffset: "+08:00"\nholidays: []\nworkingWeekends:\n  - 2027-01-05\n');
      process.env.CRM_HUB_CALENDARS_DIR = dir;
      const { issues } = await compileStep(timeoutStep, config(), { input: 'Claim', index: 2 });
      expect(issues.map((issue) => [issue.path, issue.code])).to.deep.equal([[['calendar'], 'VALUE_INVALID']]);
      expect(issues[0]!.message).to.match(/2027\.yaml:4:5 workingWeekends\[0\]: is not a Saturday or Sunday/);
    } finally {
      if (before === undefined) delete process.env.CRM_HUB_CALENDARS_DIR;
      else process.env.CRM_HUB_CALENDARS_DIR = before;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts hours on working days only', async () => {
    const state = laterState();
    const step = await timeoutOn(state, { after: '8h' });
    await run(step, claim('C-1', cn('2026-03-06 20:00'), 'REPORTED'), state);
    await moveTo(step, state, cn('2026-03-09 04:00'));
    const fired = await fire(step, state);
    expect(fired.map((message) => message.headers[TIMEOUT_DUE_HEADER])).to.deep.equal([new Date(cn('2026-03-09 04:00')).toISOString()]);
  });
});
