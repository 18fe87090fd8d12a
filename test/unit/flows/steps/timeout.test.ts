import { expect } from 'chai';
import { EVENT_ID_HEADER } from '../../../../src/flows/steps/held-message.js';
import { TIMEOUT_AFTER_HEADER, TIMEOUT_DUE_HEADER, timeoutStep } from '../../../../src/flows/steps/timeout.js';
import { sampleClaim } from '../../../fixtures/sample-records.js';
import { MemoryState, compileStep, failureOf, fire, messageOf, run } from './step-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Event times well before the state's clock (2026-01-01), so none is ahead of it. */
const T = Date.parse('2025-12-01T00:00:00Z');

const claim = (claimNumber: string, at: number, status: string, changes: Record<string, unknown> = {}) =>
  messageOf(
    'claims.claim.v1',
    {
      ...sampleClaim(),
      claimNumber,
      status,
      meta: { ...(sampleClaim().meta as object), eventId: `${claimNumber}-${status}-${at}`, occurredAt: new Date(at).toISOString() },
      ...changes,
    },
    claimNumber,
    'crmhub.claim.Claim',
  );

const config = (changes: Record<string, unknown> = {}) => ({
  key: 'claimNumber',
  after: '3d',
  until: 'status = "ASSESSING"',
  then: { to: { topic: 'claims.claim.v1' } },
  ...changes,
});

async function timeoutOn(state = new MemoryState(), changes: Record<string, unknown> = {}) {
  const { step, issues } = await compileStep(timeoutStep, config(changes), { input: 'Claim', state, index: 2 });
  expect(issues).to.deep.equal([]);
  return step;
}

/** Moves the claims' event time to `at` with a record of a claim of no interest. */
const moveTo = (step: Awaited<ReturnType<typeof timeoutOn>>, state: MemoryState, at: number) =>
  run(step, claim(`OTHER-${at}`, at, 'ASSESSING'), state);

describe('timeout step', () => {
  it('sends the record that started the timer to then.to once, when the watermark reaches its event time + after', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state);
    expect(await run(step, claim('C-1', T, 'REPORTED'), state)).to.deep.equal([]);
    await moveTo(step, state, T + 3 * DAY - 1);
    expect(await fire(step, state)).to.deep.equal([]);
    await moveTo(step, state, T + 3 * DAY);
    const [fired, ...more] = await fire(step, state);
    expect(more).to.deep.equal([]);
    expect(fired).to.deep.include({
      key: 'C-1',
      final: true,
      destinations: [{ topic: 'claims.claim.v1' }],
      schemaName: 'crmhub.claim.Claim',
    });
    expect(fired!.value).to.deep.equal(claim('C-1', T, 'REPORTED').value);
    expect(fired!.headers[TIMEOUT_AFTER_HEADER]).to.equal('3d');
    expect(fired!.headers[TIMEOUT_DUE_HEADER]).to.equal(new Date(T + 3 * DAY).toISOString());
    expect(fired!.headers[EVENT_ID_HEADER]).to.match(/^[0-9a-f-]{36}$/);
    await moveTo(step, state, T + 5 * DAY);
    expect(await fire(step, state)).to.deep.equal([]);
  });

  it('is cancelled by a record of the key meeting `until` before it is due', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state);
    await run(step, claim('C-1', T, 'REPORTED'), state);
    await run(step, claim('C-1', T + DAY, 'ASSESSING'), state);
    await moveTo(step, state, T + 10 * DAY);
    expect(await fire(step, state)).to.deep.equal([]);
  });

  it('is not cancelled by a record meeting `until` whose event time is past the due time (it came too late)', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state);
    await run(step, claim('C-1', T, 'REPORTED'), state);
    await run(step, claim('C-1', T + 3 * DAY + HOUR, 'ASSESSING'), state);
    expect((await fire(step, state)).map((out) => out.value.status)).to.deep.equal(['REPORTED']);
  });

  it('runs from the first record: a later record that does not cancel leaves the due time as it is', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state);
    await run(step, claim('C-1', T, 'REPORTED'), state);
    await run(step, claim('C-1', T + 2 * DAY, 'REGISTERED'), state);
    await moveTo(step, state, T + 3 * DAY);
    const [fired] = await fire(step, state);
    expect(fired!.value.status).to.equal('REPORTED');
    expect(fired!.headers[TIMEOUT_DUE_HEADER]).to.equal(new Date(T + 3 * DAY).toISOString());
  });

  it('starts a timer again with a record after a cancellation, but not with an older one arriving late', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state);
    await run(step, claim('C-1', T + DAY, 'ASSESSING'), state);
    await run(step, claim('C-1', T, 'REPORTED'), state);
    await moveTo(step, state, T + 2 * DAY);
    await run(step, claim('C-1', T + 2 * DAY, 'REOPENED'), state);
    await moveTo(step, state, T + 5 * DAY);
    expect((await fire(step, state)).map((out) => out.value.status)).to.deep.equal(['REOPENED']);
  });

  it('takes `after` as an expression giving the due instant', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state, { after: 'reportedAt' });
    await run(step, claim('C-1', T, 'REPORTED', { reportedAt: new Date(T + 5 * HOUR).toISOString() }), state);
    await moveTo(step, state, T + 5 * HOUR - 1);
    expect(await fire(step, state)).to.deep.equal([]);
    await moveTo(step, state, T + 5 * HOUR);
    const [fired] = await fire(step, state);
    expect(fired!.headers[TIMEOUT_DUE_HEADER]).to.equal(new Date(T + 5 * HOUR).toISOString());
    expect(fired!.headers[TIMEOUT_AFTER_HEADER]).to.equal('reportedAt');
  });

  it('dead-letters a record whose `after` expression gives no instant (TIMEOUT_DUE_INVALID) or that has no key', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state, { after: 'lossLocation' });
    const failure = await failureOf(step, claim('C-1', T, 'REPORTED'), state);
    expect(failure.code).to.equal('TIMEOUT_DUE_INVALID');
    expect(failure.message).not.to.include('上海');
    const keyed = await timeoutOn(new MemoryState(), { key: 'vehiclePlate' });
    expect((await failureOf(keyed, claim('C-2', T, 'REPORTED', { vehiclePlate: null }))).code).to.equal('FLOW_KEY_MISSING');
  });

  it('fires on wall-clock idleness when no record moves event time on', async () => {
    const state = new MemoryState();
    const step = await timeoutOn(state);
    await run(step, claim('C-1', T, 'REPORTED'), state);
    await state.clock.advance(3 * DAY - HOUR);
    expect(await fire(step, state)).to.deep.equal([]);
    await state.clock.advance(HOUR);
    expect((await fire(step, state)).map((out) => out.key)).to.deep.equal(['C-1']);
  });

  it('keeps its timers over a restart and fires each once', async () => {
    const state = new MemoryState();
    const before = await timeoutOn(state);
    await run(before, claim('C-1', T, 'REPORTED'), state);
    await run(before, claim('C-2', T, 'REPORTED'), state);
    state.restart();
    const after = await timeoutOn(state);
    await run(after, claim('C-2', T + DAY, 'ASSESSING'), state);
    await moveTo(after, state, T + 4 * DAY);
    state.restart();
    const again = await timeoutOn(state);
    expect((await fire(again, state)).map((out) => out.key)).to.deep.equal(['C-1']);
    state.restart();
    const last = await timeoutOn(state);
    expect(await fire(last, state)).to.deep.equal([]);
  });

  it('keeps the records (only timeouts come out) unless passThrough; with then: continue a timeout goes on through the flow', async () => {
    const state = new MemoryState();
    const passing = await timeoutOn(state, { passThrough: true, then: 'continue' });
    const record = claim('C-1', T, 'REPORTED');
    expect(await run(passing, record, state)).to.deep.equal([record]);
    await state.clock.advance(3 * DAY);
    const [fired] = await fire(passing, state);
    expect(fired!.final).to.equal(undefined);
    expect(fired!.destinations).to.equal(undefined);
  });

  it('reports a bad duration, expression problems and destinations the records do not fit', async () => {
    const { issues } = await compileStep(
      timeoutStep,
      config({ after: '3 days', until: 'statuss = "ASSESSING"', then: { to: { topic: 'crm.customer-flag.v1' } } }),
      { input: 'Claim' },
    );
    expect(issues.map((issue) => [issue.path.join('.'), issue.code])).to.deep.equal([
      ['until', 'FIELD_UNKNOWN'],
      ['after', 'VALUE_INVALID'],
      ['then.to.topic', 'FIELD_UNKNOWN'],
    ]);
    expect(issues[1]!.message).to.include('after "3 days" is not a duration');
    const undeclared = await compileStep(timeoutStep, config({ after: 'slaDueAt', then: { to: { topic: 'claims.stalled.v1' } } }), {
      input: 'Claim',
    });
    expect(undeclared.issues.map((issue) => [issue.path.join('.'), issue.code])).to.deep.equal([
      ['after', 'FIELD_UNKNOWN'],
      ['then.to.topic', 'TOPIC_UNKNOWN'],
    ]);
  });
});
