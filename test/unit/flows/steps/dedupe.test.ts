import { expect } from 'chai';
import { dedupeStep } from '../../../../src/flows/steps/dedupe.js';
import { sampleClaim } from '../../../fixtures/sample-records.js';
import { MemoryState, compileStep, messageOf, run } from './step-harness.js';

const claim = (eventId: string, changes: Record<string, unknown> = {}) => {
  const value = sampleClaim();
  return messageOf('claims.claim.v1', { ...value, meta: { ...(value.meta as object), eventId }, ...changes }, 'RDAA202631010000098765');
};

describe('dedupe step', () => {
  it('drops a message whose key was let through before, and lets other keys through', async () => {
    const { step, issues } = await compileStep(dedupeStep, { key: 'meta.eventId' }, { input: 'Claim' });
    expect(issues).to.deep.equal([]);
    expect(await run(step, claim('evt-1'))).to.have.length(1);
    expect(await run(step, claim('evt-1', { status: 'APPROVED' }))).to.deep.equal([]);
    expect(await run(step, claim('evt-2'))).to.have.length(1);
  });

  it('keeps the keys in the durable state, so a restarted flow still drops duplicates', async () => {
    const state = new MemoryState();
    const { step: before } = await compileStep(
      dedupeStep,
      { key: 'meta.eventId', windowSeconds: 600 },
      { input: 'Claim', state, index: 2 },
    );
    await run(before, claim('evt-1'));
    expect([...state.entries.keys()]).to.deep.equal(['steps[2].dedupe:evt-1']);
    const { step: after } = await compileStep(dedupeStep, { key: 'meta.eventId', windowSeconds: 600 }, { input: 'Claim', state, index: 2 });
    expect(await run(after, claim('evt-1'))).to.deep.equal([]);
  });

  it('lets a key through again once its window has passed (one hour by default)', async () => {
    const state = new MemoryState();
    const { step } = await compileStep(dedupeStep, { key: 'meta.eventId' }, { input: 'Claim', state });
    state.entries.set('steps[0].dedupe:evt-old', { at: Date.now() - 3_601_000 });
    state.entries.set('steps[0].dedupe:evt-recent', { at: Date.now() - 3_500_000 });
    expect(await run(step, claim('evt-old'))).to.have.length(1);
    expect(await run(step, claim('evt-recent'))).to.deep.equal([]);
    expect((state.entries.get('steps[0].dedupe:evt-old') as { at: number }).at).to.be.closeTo(Date.now(), 1000);
  });

  it('keeps the keys of two dedupe steps of one flow apart', async () => {
    const state = new MemoryState();
    const { step: first } = await compileStep(dedupeStep, { key: 'claimNumber' }, { input: 'Claim', state, index: 0 });
    const { step: second } = await compileStep(dedupeStep, { key: 'claimNumber' }, { input: 'Claim', state, index: 3 });
    expect(await run(first, claim('evt-1'))).to.have.length(1);
    expect(await run(second, claim('evt-1'))).to.have.length(1);
  });

  it('never drops a message without a key value', async () => {
    const { step } = await compileStep(dedupeStep, { key: 'vehiclePlate' }, { input: 'Claim' });
    expect(await run(step, claim('evt-1', { vehiclePlate: null }))).to.have.length(1);
    expect(await run(step, claim('evt-2', { vehiclePlate: null }))).to.have.length(1);
  });

  it('reports problems of the key expression', async () => {
    const { issues } = await compileStep(dedupeStep, { key: 'meta.eventid' }, { input: 'Claim' });
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
