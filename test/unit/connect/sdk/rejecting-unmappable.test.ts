import { expect } from 'chai';
import { rejectingUnmappable } from '../../../../src/connect/sdk/rejecting-unmappable.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';

describe('rejecting unmappable events of a feed', () => {
  const context = { instance: 'claims-main', logger: createLogger({ level: 'error' }) };
  const toRecord = (event: unknown) => {
    const code = (event as { code: string }).code;
    if (code === 'unknown') throw new HubError('LOSS_TYPE_UNKNOWN', 'damageCode 77 is not in lossTypes');
    if (code === 'registry') throw new HubError('REGISTRY_AWAY', 'try later', { retriable: true });
    if (code === 'bug') throw new TypeError('cannot read properties of undefined');
    return { topic: 'claims.claim.v1', key: 'CLM-1', value: { claimNumber: 'CLM-1' } };
  };
  const wrapped = rejectingUnmappable(
    toRecord,
    { topic: 'claims.claim.v1', keyOf: () => 'CLM-2', describe: () => 'claim event "M-2"' },
    context,
  );

  it('passes what maps, and turns a refusal for good into a rejected record with the reason and the event as it came', () => {
    expect(wrapped({ code: 'ok' })).to.deep.equal({ topic: 'claims.claim.v1', key: 'CLM-1', value: { claimNumber: 'CLM-1' } });
    const rejected = wrapped({ code: 'unknown' });
    expect(rejected).to.deep.include({ topic: 'claims.claim.v1', key: 'CLM-2', value: { code: 'unknown' } });
    expect(rejected.rejected).to.be.instanceOf(HubError).with.property('code', 'LOSS_TYPE_UNKNOWN');
  });

  it('still throws what may pass (retriable) and what is not a mapping refusal (a bug), so the poll is retried rather than data dropped', () => {
    expect(() => wrapped({ code: 'registry' })).to.throw(HubError, 'try later');
    expect(() => wrapped({ code: 'bug' })).to.throw(TypeError);
  });
});
