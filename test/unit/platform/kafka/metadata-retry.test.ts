import { expect } from 'chai';
import { withMetadataRetry } from '../../../../src/platform/kafka/metadata-retry.js';

describe('metadata requests retried for passing refusals', () => {
  it('retries a retriable refusal until it passes, and gives a lasting or non-retriable one back', async () => {
    let calls = 0;
    expect(
      await withMetadataRetry(async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('This server is not the leader for that topic-partition'), { retriable: true });
        return 'offsets';
      }),
    ).to.equal('offsets');
    expect(calls).to.equal(3);

    let denied = 0;
    const error = await withMetadataRetry(async () => {
      denied++;
      throw Object.assign(new Error('not authorized'), { retriable: false });
    }).catch((e: Error) => e);
    expect(error.message).to.equal('not authorized');
    expect(denied).to.equal(1);
  });
});
