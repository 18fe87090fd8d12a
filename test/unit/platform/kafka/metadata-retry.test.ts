import { expect } from 'chai';
import { withMetadataRetry } from '../../../../src/platform/kafka/metadata-retry.js';
import { InstantClock } from '../../../support/instant-clock.js';

describe('metadata requests retried for passing refusals', () => {
  it('retries a retriable refusal until it passes, and gives a lasting or non-retriable one back', async () => {
    const clock = new InstantClock();
    let calls = 0;
    expect(
      await withMetadataRetry(async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('This server is not the leader for that topic-partition'), { retriable: true });
        return 'offsets';
      }, clock),
    ).to.equal('offsets');
    expect(calls).to.equal(3);
    expect(clock.sleeps).to.deep.equal([100, 200]);

    let denied = 0;
    const error = await withMetadataRetry(async () => {
      denied++;
      throw Object.assign(new Error('not authorized'), { retriable: false });
    }, clock).catch((e: Error) => e);
    expect(error.message).to.equal('not authorized');
    expect(denied).to.equal(1);
  });

  it('gives up after six tries, 3.1 s of waiting in all', async () => {
    const clock = new InstantClock();
    let calls = 0;
    const error = await withMetadataRetry(async () => {
      calls++;
      throw Object.assign(new Error('unknown topic'), { retriable: true });
    }, clock).catch((e: Error) => e);
    expect(error.message).to.equal('unknown topic');
    expect(calls).to.equal(6);
    expect(clock.sleeps).to.deep.equal([100, 200, 400, 800, 1600]);
  });
});
