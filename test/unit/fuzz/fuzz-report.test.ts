import { expect } from 'chai';
import { FuzzTally } from './fuzz-report.js';

describe('FuzzTally', () => {
  it('counts verdicts, and a check that throws as a crash that is thrown on', async () => {
    const tally = new FuzzTally();
    expect(await tally.check('things', () => 'accepted')).to.equal('accepted');
    await tally.check('things', async () => 'rejected' as const);
    const crash = new TypeError('not a coded error');
    const thrown = await tally
      .check('things', () => {
        throw crash;
      })
      .catch((error: unknown) => error);
    expect(thrown).to.equal(crash);
    expect(tally.summary()).to.equal('things: 3 inputs, 1 rejected with a clear error, 1 accepted, 1 crashes');
  });
});
