import { expect } from 'chai';
import fc from 'fast-check';
import { dedupeStep } from '../../../../src/flows/steps/dedupe.js';
import { sampleClaim } from '../../../fixtures/sample-records.js';
import { MemoryState, compileStep, failureOf, fire, messageOf, run, specAccepts } from './step-harness.js';

const HOUR = 3_600_000;
/** The sample claim's event time; the clock starts a minute after it. */
const T = Date.parse('2026-12-15T11:42:10.000Z');

const claim = (eventId: string, occurredAt: number | string | null = T, changes: Record<string, unknown> = {}) => {
  const value = sampleClaim();
  const at = typeof occurredAt === 'number' ? new Date(occurredAt).toISOString() : occurredAt;
  return messageOf(
    'claims.claim.v1',
    { ...value, meta: { ...(value.meta as object), eventId, occurredAt: at }, ...changes },
    'RDAA202631010000098765',
  );
};

const stateAtT = () => new MemoryState({ now: T + 60_000 });

describe('dedupe step', () => {
  it('drops a message whose key was let through within the window, and lets other keys through', async () => {
    const state = stateAtT();
    const { step, issues } = await compileStep(dedupeStep, { key: 'meta.eventId' }, { input: 'Claim', state });
    expect(issues).to.deep.equal([]);
    expect(await run(step, claim('evt-1'), state)).to.have.length(1);
    expect(await run(step, claim('evt-1', T, { status: 'APPROVED' }), state)).to.deep.equal([]);
    expect(await run(step, claim('evt-2'), state)).to.have.length(1);
  });

  it('partitions its input by the message key (copies of an event carry the same), by the dedupe key when it has none', async () => {
    const { step } = await compileStep(dedupeStep, { key: 'meta.eventId' }, { input: 'Claim', state: stateAtT() });
    expect(await step.partitionBy!(claim('evt-7'))).to.equal('RDAA202631010000098765');
    expect(await step.partitionBy!({ ...claim('evt-7'), key: null })).to.equal('evt-7');
  });

  it('runs the window on event time from the first copy: one hour by default', async () => {
    const state = stateAtT();
    const { step } = await compileStep(dedupeStep, { key: 'meta.eventId' }, { input: 'Claim', state });
    expect(await run(step, claim('evt-1', T), state)).to.have.length(1);
    // However late (wall clock) it is read, a copy stamped within the hour is a duplicate.
    await state.clock.advance(3 * 24 * HOUR);
    expect(await run(step, claim('evt-1', T + HOUR - 1), state)).to.deep.equal([]);
    expect(await run(step, claim('evt-1', T - HOUR + 1), state), 'a copy stamped a little earlier').to.deep.equal([]);
    expect(await run(step, claim('evt-1', T + HOUR), state)).to.have.length(1);
    expect(await run(step, claim('evt-1', T + HOUR + 30 * 60_000), state), 'the window runs from the copy let through').to.deep.equal([]);
  });

  it('takes the window as a duration (window) or in seconds (windowSeconds), not both', async () => {
    for (const config of [{ window: '10m' }, { windowSeconds: 600 }]) {
      const state = stateAtT();
      const { step, issues } = await compileStep(dedupeStep, { key: 'meta.eventId', ...config }, { input: 'Claim', state });
      expect(issues, JSON.stringify(config)).to.deep.equal([]);
      await run(step, claim('evt-1', T), state);
      expect(await run(step, claim('evt-1', T + 600_000 - 1), state), JSON.stringify(config)).to.deep.equal([]);
      expect(await run(step, claim('evt-1', T + 600_000), state), JSON.stringify(config)).to.have.length(1);
    }
    const both = await compileStep(
      dedupeStep,
      { key: 'meta.eventId', window: '1h', windowSeconds: 60 },
      { input: 'Claim', state: stateAtT() },
    );
    expect(both.issues).to.deep.equal([
      { path: ['windowSeconds'], code: 'VALUE_INVALID', message: 'give the window once: window (e.g. 1h) or windowSeconds, not both' },
    ]);
    expect(specAccepts(dedupeStep, { key: 'meta.eventId', window: '1 hour' })).to.equal(false);
    expect(specAccepts(dedupeStep, { key: 'meta.eventId', window: '1w' })).to.equal(false);
    expect(specAccepts(dedupeStep, { key: 'meta.eventId', windowSeconds: 0 })).to.equal(false);
  });

  it('keeps its keys in the durable state with their expiry, so a restarted flow still drops duplicates', async () => {
    const state = stateAtT();
    const config = { key: 'meta.eventId', window: '10m' };
    const { step: before } = await compileStep(dedupeStep, config, { input: 'Claim', state, index: 2 });
    await run(before, claim('evt-1'), state);
    expect([...state.store.entries(0)].filter((entry) => entry.key.startsWith('k/'))).to.deep.equal([
      { key: 'k/evt-1', value: T, expiresAt: T + 600_000 },
    ]);
    state.restart();
    const { step: after } = await compileStep(dedupeStep, config, { input: 'Claim', state, index: 2 });
    expect(await run(after, claim('evt-1'), state)).to.deep.equal([]);
  });

  it('forgets a key once the watermark passes its window: moved on by later events, or by idleness on the clock', async () => {
    const state = stateAtT();
    const { step } = await compileStep(dedupeStep, { key: 'meta.eventId', window: '1h' }, { input: 'Claim', state });
    await run(step, claim('evt-1', T), state);
    await run(step, claim('evt-2', T + HOUR - 1), state);
    await fire(step, state);
    expect(state.keys().filter((key) => key.startsWith('k/'))).to.deep.equal(['k/evt-1', 'k/evt-2']);
    await run(step, claim('evt-3', T + HOUR), state);
    await fire(step, state);
    expect(state.keys().filter((key) => key.startsWith('k/'))).to.deep.equal(['k/evt-2', 'k/evt-3']);
    // No more events: after the idle timeout the watermark moves on with the clock.
    await state.clock.advance(HOUR);
    await fire(step, state);
    expect(
      state.keys().filter((key) => key.startsWith('k/')),
      'evt-3 expires at T+2h, the watermark is at T+2h',
    ).to.deep.equal([]);
    expect(await run(step, claim('evt-1', T), state), 'forgotten, the key passes again').to.have.length(1);
  });

  it('keeps the expiry of its keys across a restart', async () => {
    const state = stateAtT();
    const config = { key: 'meta.eventId', window: '1h' };
    const { step: before } = await compileStep(dedupeStep, config, { input: 'Claim', state });
    await run(before, claim('evt-1', T), state);
    state.restart();
    const { step: after } = await compileStep(dedupeStep, config, { input: 'Claim', state });
    await run(after, claim('evt-2', T + HOUR), state);
    await fire(after, state);
    expect(state.keys().filter((key) => key.startsWith('k/'))).to.deep.equal(['k/evt-2']);
  });

  it('lets the copies of one key through at least a window apart when they come in event-time order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 30 }), async (gapsInMinutes) => {
        const state = stateAtT();
        const { step } = await compileStep(dedupeStep, { key: 'meta.eventId', window: '1h' }, { input: 'Claim', state });
        let at = T;
        let lastPassed: number | undefined;
        for (const gap of gapsInMinutes) {
          at += gap * 60_000;
          const passed = (await run(step, claim('evt-1', at), state)).length === 1;
          expect(passed, `at +${(at - T) / 60_000}m`).to.equal(lastPassed === undefined || at - lastPassed >= HOUR);
          if (passed) lastPassed = at;
          await fire(step, state);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('never drops a message without a key value', async () => {
    const state = stateAtT();
    const { step } = await compileStep(dedupeStep, { key: 'vehiclePlate' }, { input: 'Claim', state });
    expect(await run(step, claim('evt-1', T, { vehiclePlate: null }), state)).to.have.length(1);
    expect(await run(step, claim('evt-2', T, { vehiclePlate: null }), state)).to.have.length(1);
  });

  it('fails a message without a readable event time, or one more than a day ahead of the clock (EVENT_TIME_INVALID)', async () => {
    const state = stateAtT();
    const { step } = await compileStep(dedupeStep, { key: 'meta.eventId' }, { input: 'Claim', state });
    for (const occurredAt of [null, 'yesterday', T + 24 * HOUR + 60_001]) {
      const error = await failureOf(step, claim('evt-1', occurredAt), state);
      expect(error.code, String(occurredAt)).to.equal('EVENT_TIME_INVALID');
      expect(error.retriable).to.equal(false);
    }
    expect(
      state.keys().filter((key) => key.startsWith('k/')),
      'a failed message leaves no key',
    ).to.deep.equal([]);
    const { step: reported } = await compileStep(dedupeStep, { key: 'meta.eventId', eventTime: 'reportedAt' }, { input: 'Claim', state });
    expect(await run(reported, claim('evt-1', null), state), 'its own event time expression').to.have.length(1);
  });

  it('reports problems of the key expression', async () => {
    const { issues } = await compileStep(dedupeStep, { key: 'meta.eventid' }, { input: 'Claim', state: stateAtT() });
    expect(issues).to.deep.equal([
      {
        path: ['key'],
        code: 'FIELD_UNKNOWN',
        message: 'field eventid is not in crmhub.common.EventMetadata; did you mean eventId?',
        offset: 5,
      },
    ]);
  });
});
