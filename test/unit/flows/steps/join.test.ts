import type avro from 'avsc';
import { expect } from 'chai';
import fc from 'fast-check';
import type { FlowMessage } from '../../../../src/flows/flow-message.js';
import { joinStep, JOIN_WITHIN_HEADER } from '../../../../src/flows/steps/join.js';
import { EVENT_ID_HEADER } from '../../../../src/flows/steps/held-message.js';
import { sampleServiceAlert, sampleServiceRequest } from '../../../fixtures/sample-records.js';
import { MemoryState, compileStep, failureOf, fire, messageOf, run, runSide } from './step-harness.js';

const HOUR = 3_600_000;
/** Event times well before the state's clock (2026-01-01), so none is ahead of it. */
const T = Date.parse('2025-12-01T00:00:00Z');

const ticket = (ticketNumber: string, at: number, eventId = `ticket-${ticketNumber}-${at}`) =>
  messageOf(
    'service.request.v1',
    {
      ...sampleServiceRequest(),
      ticketNumber,
      meta: { ...(sampleServiceRequest().meta as object), eventId, occurredAt: new Date(at).toISOString() },
    },
    ticketNumber,
    'crmhub.service.ServiceRequest',
  );

const alert = (subject: string, at: number, eventId = `alert-${subject}-${at}`) =>
  messageOf('service.alert.v1', {
    ...sampleServiceAlert(),
    subject,
    meta: { ...(sampleServiceAlert().meta as object), eventId, occurredAt: new Date(at).toISOString() },
  });

const config = (changes: Record<string, unknown> = {}) => ({
  with: 'service.alert.v1',
  on: { this: 'ticketNumber', other: 'subject' },
  within: '48h',
  as: 'alert',
  onTimeout: { to: { topic: 'service.request.v1' } },
  ...changes,
});

async function joinOn(state = new MemoryState(), changes: Record<string, unknown> = {}) {
  const { step, issues } = await compileStep(joinStep, config(changes), { input: 'ServiceRequest', state, index: 1 });
  expect(issues).to.deep.equal([]);
  return step;
}

const joinedPairs = (outputs: FlowMessage[]) =>
  outputs.map((out) => `${String(out.value.ticketNumber)}+${String((out.value.alert as { subject: string }).subject)}`);

describe('join step', () => {
  it('joins a message with a later record of the other topic within the bound, keyed and named like the message', async () => {
    const state = new MemoryState();
    const step = await joinOn(state);
    expect(await run(step, ticket('SR-1', T), state)).to.deep.equal([]);
    const [joined, ...more] = await runSide(step, alert('SR-1', T + 47 * HOUR), state);
    expect(more).to.deep.equal([]);
    expect(joined!.key).to.equal('SR-1');
    expect(joined!.topic).to.equal('service.request.v1');
    expect(joined!.value.ticketNumber).to.equal('SR-1');
    expect(joined!.value.alert).to.deep.equal(alert('SR-1', T + 47 * HOUR).value);
    expect(joined!.schemaName).to.equal(undefined);
    expect(joined!.headers[EVENT_ID_HEADER]).to.match(/^[0-9a-f-]{36}$/);
  });

  it('joins a record of the other topic that came first with a later message', async () => {
    const state = new MemoryState();
    const step = await joinOn(state);
    expect(await runSide(step, alert('SR-1', T), state)).to.deep.equal([]);
    const joined = await run(step, ticket('SR-1', T + 30 * HOUR), state);
    expect(joinedPairs(joined)).to.deep.equal(['SR-1+SR-1']);
    expect(joined[0]!.key).to.equal('SR-1');
  });

  it('gives a pair the same id whichever came first, and different pairs different ids', async () => {
    const first = await joinOn(new MemoryState());
    const firstState = new MemoryState();
    const thisFirst = await joinOn(firstState);
    await run(thisFirst, ticket('SR-1', T), firstState);
    const [a] = await runSide(thisFirst, alert('SR-1', T + HOUR), firstState);
    const otherState = new MemoryState();
    const otherFirst = await joinOn(otherState);
    await runSide(otherFirst, alert('SR-1', T + HOUR), otherState);
    const [b] = await run(otherFirst, ticket('SR-1', T), otherState);
    expect(a!.headers[EVENT_ID_HEADER]).to.equal(b!.headers[EVENT_ID_HEADER]);
    const [c] = await runSide(thisFirst, alert('SR-1', T + 2 * HOUR), firstState);
    expect(c!.headers[EVENT_ID_HEADER]).not.to.equal(a!.headers[EVENT_ID_HEADER]);
    expect(first.sideInputs).to.deep.equal(['service.alert.v1']);
  });

  it('does not join records further apart than the bound, either side first', async () => {
    const state = new MemoryState();
    const step = await joinOn(state);
    await run(step, ticket('SR-1', T), state);
    expect(await runSide(step, alert('SR-1', T + 48 * HOUR + 1), state)).to.deep.equal([]);
    await runSide(step, alert('SR-2', T), state);
    expect(await run(step, ticket('SR-2', T + 49 * HOUR), state)).to.deep.equal([]);
  });

  it('joins every pair once: each message with each record of its key within the bound', async () => {
    const state = new MemoryState();
    const step = await joinOn(state);
    await run(step, ticket('SR-1', T, 'a'), state);
    await run(step, ticket('SR-1', T + HOUR, 'b'), state);
    const joined = await runSide(step, alert('SR-1', T + 2 * HOUR), state);
    expect(joined.map((out) => (out.value.meta as { eventId: string }).eventId)).to.deep.equal(['a', 'b']);
    expect(new Set(joined.map((out) => out.headers[EVENT_ID_HEADER])).size).to.equal(2);
    expect(await run(step, ticket('SR-1', T + 3 * HOUR, 'c'), state)).to.have.length(1);
    // The same record again (its source resent it) makes no pair again.
    expect(await run(step, ticket('SR-1', T + HOUR, 'b'), state)).to.deep.equal([]);
  });

  it('sends a message with no match in time to onTimeout once, as it came, when the watermark passes its bound', async () => {
    const state = new MemoryState();
    const step = await joinOn(state);
    await run(step, ticket('SR-1', T), state);
    await run(step, ticket('SR-2', T + HOUR), state);
    await runSide(step, alert('SR-2', T + 2 * HOUR), state);
    await run(step, ticket('SR-3', T + 47 * HOUR), state);
    await runSide(step, alert('SR-9', T + 47 * HOUR), state);
    expect(await fire(step, state)).to.deep.equal([]);
    await run(step, ticket('SR-4', T + 60 * HOUR), state);
    await runSide(step, alert('SR-9', T + 60 * HOUR), state);
    const timedOut = await fire(step, state);
    expect(timedOut.map((out) => out.value.ticketNumber)).to.deep.equal(['SR-1']);
    expect(timedOut[0]).to.deep.include({ key: 'SR-1', final: true, destinations: [{ topic: 'service.request.v1' }] });
    expect(timedOut[0]!.value).to.deep.equal(ticket('SR-1', T).value);
    expect(timedOut[0]!.schemaName).to.equal('crmhub.service.ServiceRequest');
    expect(timedOut[0]!.headers[JOIN_WITHIN_HEADER]).to.equal('2d');
    expect(await fire(step, state)).to.deep.equal([]);
  });

  it('forgets what waited once its bound passed: a record after that finds nothing to join', async () => {
    const state = new MemoryState();
    const step = await joinOn(state, { onTimeout: 'drop' });
    await runSide(step, alert('SR-1', T), state);
    await run(step, ticket('SR-5', T + 50 * HOUR), state);
    await runSide(step, alert('SR-5', T + 50 * HOUR), state);
    await fire(step, state);
    expect(state.keys().filter((key) => key.includes('SR-1'))).to.deep.equal([]);
  });

  it('fires on wall-clock idleness when no record moves event time on', async () => {
    const state = new MemoryState();
    const step = await joinOn(state);
    await run(step, ticket('SR-1', T), state);
    await state.clock.advance(47 * HOUR);
    expect(await fire(step, state)).to.deep.equal([]);
    await state.clock.advance(HOUR);
    expect((await fire(step, state)).map((out) => out.value.ticketNumber)).to.deep.equal(['SR-1']);
  });

  it('with onTimeout continue passes an unmatched message on with the field null (a left join); with drop, nothing', async () => {
    const state = new MemoryState();
    const step = await joinOn(state, { onTimeout: 'continue' });
    await run(step, ticket('SR-1', T), state);
    await state.clock.advance(49 * HOUR);
    const [out] = await fire(step, state);
    expect(out!.value.alert).to.equal(null);
    expect(out!.final).to.equal(undefined);
    const dropState = new MemoryState();
    const dropping = await joinOn(dropState, { onTimeout: 'drop' });
    await run(dropping, ticket('SR-1', T), dropState);
    await dropState.clock.advance(49 * HOUR);
    expect(await fire(dropping, dropState)).to.deep.equal([]);
  });

  it('treats a message without a join key as unmatched at once, and forgets such a record of the other topic', async () => {
    const state = new MemoryState();
    const step = await joinOn(state, { onTimeout: 'continue', on: { this: 'assignedTo', other: 'partNumber' } });
    const [out] = await run(step, messageOf('service.request.v1', { ...ticket('SR-1', T).value, assignedTo: null }, 'SR-1'), state);
    expect(out!.value.alert).to.equal(null);
    expect(await runSide(step, messageOf('service.alert.v1', { ...alert('SR-1', T).value, partNumber: null }), state)).to.deep.equal([]);
    expect(state.keys()).to.deep.equal([]);
  });

  it('dead-letters a record beyond maxPerKey waiting under one key (JOIN_BUFFER_FULL), other keys unaffected', async () => {
    const state = new MemoryState();
    const step = await joinOn(state, { maxPerKey: 2 });
    await run(step, ticket('SR-1', T, 'a'), state);
    await run(step, ticket('SR-1', T, 'b'), state);
    const failure = await failureOf(step, ticket('SR-1', T, 'c'), state);
    expect(failure.code).to.equal('JOIN_BUFFER_FULL');
    expect(failure.retriable).to.equal(false);
    expect(failure.message).not.to.include('SR-1');
    await runSide(step, alert('SR-1', T, 'x'), state);
    await runSide(step, alert('SR-1', T, 'y'), state);
    expect(await runSide(step, alert('SR-1', T, 'z'), state).catch((error: { code: string }) => error.code)).to.equal('JOIN_BUFFER_FULL');
    expect(await run(step, ticket('SR-2', T), state)).to.deep.equal([]);
  });

  it('keeps waiting records and timers over a restart: a match after it joins, a timer fires once', async () => {
    const state = new MemoryState();
    const before = await joinOn(state);
    await run(before, ticket('SR-1', T), state);
    await run(before, ticket('SR-2', T), state);
    state.restart();
    const after = await joinOn(state);
    expect(joinedPairs(await runSide(after, alert('SR-1', T + HOUR), state))).to.deep.equal(['SR-1+SR-1']);
    await run(after, ticket('SR-3', T + 49 * HOUR), state);
    await runSide(after, alert('SR-9', T + 49 * HOUR), state);
    state.restart();
    const again = await joinOn(state);
    expect((await fire(again, state)).map((out) => out.value.ticketNumber)).to.deep.equal(['SR-2']);
    state.restart();
    const last = await joinOn(state);
    expect(await fire(last, state)).to.deep.equal([]);
  });

  it('joins exactly the pairs of equal key at most `within` apart, and times out exactly the messages without one', async () => {
    const record = fc.record({
      side: fc.constantFrom('this', 'other'),
      key: fc.constantFrom('K1', 'K2', 'K3'),
      hours: fc.integer({ min: 0, max: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), async (records) => {
        const state = new MemoryState();
        const step = await joinOn(state, { within: '3h' });
        const joined: string[] = [];
        for (const [index, { side, key, hours }] of records.entries()) {
          const out =
            side === 'this'
              ? await run(step, ticket(key, T + hours * HOUR, `e${index}`), state)
              : await runSide(step, alert(key, T + hours * HOUR, `e${index}`), state);
          joined.push(
            ...out.map(
              (message) =>
                `${(message.value.meta as { eventId: string }).eventId}+${(message.value.alert as { meta: { eventId: string } }).meta.eventId}`,
            ),
          );
        }
        const expected: string[] = [];
        const unmatched: string[] = [];
        records.forEach((a, i) => {
          if (a.side !== 'this') return;
          const partners = records.flatMap((b, j) =>
            b.side === 'other' && b.key === a.key && Math.abs(b.hours - a.hours) <= 3 ? [`e${i}+e${j}`] : [],
          );
          expected.push(...partners);
          if (partners.length === 0) unmatched.push(`e${i}`);
        });
        expect([...joined].sort()).to.deep.equal([...expected].sort());
        await state.clock.advance(20 * HOUR);
        const timedOut = (await fire(step, state)).map((message) => (message.value.meta as { eventId: string }).eventId);
        expect(timedOut.sort()).to.deep.equal(unmatched.sort());
        expect(state.keys().filter((key) => !key.startsWith('w/'))).to.deep.equal([]);
      }),
      { numRuns: 40 },
    );
  });

  it('reports the other topic undeclared, fields of each side against its own record, and onTimeout destinations', async () => {
    const { issues } = await compileStep(
      joinStep,
      config({
        with: 'service.alerts.v1',
        on: { this: 'ticketNumbr', other: 'subject' },
        onTimeout: { to: { topic: 'service.overdue.v1' } },
      }),
      { input: 'ServiceRequest' },
    );
    expect(issues.map((issue) => [issue.path.join('.'), issue.code])).to.deep.equal([
      ['with', 'TOPIC_UNKNOWN'],
      ['on.this', 'FIELD_UNKNOWN'],
      ['onTimeout.to.topic', 'TOPIC_UNKNOWN'],
    ]);
    expect(issues[0]!.message).to.include('did you mean service.alert.v1?');
    const other = await compileStep(
      joinStep,
      config({ on: { this: 'ticketNumber', other: 'subjekt' }, eventTime: { other: 'raisedAtt' } }),
      {
        input: 'ServiceRequest',
      },
    );
    expect(other.issues.map((issue) => [issue.path.join('.'), issue.code, issue.message])).to.deep.equal([
      ['on.other', 'FIELD_UNKNOWN', 'field subjekt is not in crmhub.service.ServiceAlert; did you mean subject?'],
      ['eventTime.other', 'FIELD_UNKNOWN', 'field raisedAtt is not in crmhub.service.ServiceAlert; did you mean raisedAt?'],
    ]);
    const long = await compileStep(joinStep, config({ within: '48 hours' }), { input: 'ServiceRequest' });
    expect(long.issues.map((issue) => [issue.path.join('.'), issue.code, issue.message])).to.deep.equal([
      [
        'within',
        'VALUE_INVALID',
        'within "48 hours" is not a duration: give a whole number of up to 6 digits followed by ms, s, m, h or d (250ms, 30s, 30m, 2h, 1d)',
      ],
    ]);
    const unfit = await compileStep(joinStep, config({ onTimeout: { to: { topic: 'service.alert.v1' } } }), { input: 'ServiceRequest' });
    expect(unfit.issues.map((issue) => [issue.path.join('.'), issue.code])).to.deep.equal([['onTimeout.to.topic', 'FIELD_UNKNOWN']]);
  });

  it("gives the output's record type for the steps after it: the message's fields and the other record in `as`", async () => {
    const step = await joinOn();
    const type = step.outputType as avro.types.RecordType;
    expect(type.name).to.equal('crmhub.flow.ServiceRequestWithAlert');
    expect(type.fields.map((field) => field.name)).to.include.members(['ticketNumber', 'meta', 'alert']);
    expect(type.field('alert')!.type.name).to.equal('crmhub.service.ServiceAlert');
    const left = await joinOn(new MemoryState(), { onTimeout: 'continue' });
    expect((left.outputType as avro.types.RecordType).field('alert')!.type.typeName).to.equal('union:unwrapped');
    const { step: untyped } = await compileStep(joinStep, config({ onTimeout: 'drop' }), {});
    expect(untyped.outputType).to.equal(undefined);
  });

  it('keeps its state by the join key of each side', async () => {
    const step = await joinOn();
    expect(step.partitionBy!(ticket('SR-1', T))).to.equal('SR-1');
    expect(step.sidePartitionBy!(alert('SR-7', T))).to.equal('SR-7');
  });
});
