import { expect } from 'chai';
import { HubError } from '../../../src/core/hub-error.js';
import { retryingNow } from '../../../src/flows/retrying-now.js';
import { RetryPolicy } from '../../../src/platform/retry/retry-policy.js';
import { StoppingError } from '../../../src/platform/retry/retrying.js';

const policy = new RetryPolicy({ attempts: 3, initialDelayMs: 1, maxDelayMs: 1, multiplier: 1 }, () => 0);

describe('retryingNow', () => {
  it('returns a first attempt that succeeds at once as it is, without a promise', () => {
    const attempts: number[] = [];
    expect(retryingNow(policy, new AbortController().signal, (attempt) => (attempts.push(attempt), 'done'))).to.equal('done');
    expect(attempts).to.deep.equal([1]);
  });

  it('goes on from a first attempt that throws as retrying does: the same attempts, onRetry calls and result', async () => {
    const attempts: number[] = [];
    const retries: [string, number][] = [];
    const result = retryingNow(
      policy,
      new AbortController().signal,
      (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new HubError('AWAY', `attempt ${attempt}`, { retriable: true });
        return 'third time';
      },
      (error, attempt) => retries.push([(error as Error).message, attempt]),
    );
    expect(result).to.be.instanceOf(Promise);
    expect(await result).to.equal('third time');
    expect(attempts).to.deep.equal([1, 2, 3]);
    expect(retries).to.deep.equal([
      ['attempt 1', 1],
      ['attempt 2', 2],
    ]);
  });

  it('gives up on the last attempt with its error, and at once on an error that is not retriable', async () => {
    const away = new HubError('AWAY', 'still away', { retriable: true });
    const always = retryingNow(policy, new AbortController().signal, () => {
      throw away;
    });
    expect(await Promise.resolve(always).catch((error: unknown) => error)).to.equal(away);
    let calls = 0;
    const broken = new HubError('BROKEN', 'no use trying again');
    const once = retryingNow(policy, new AbortController().signal, () => {
      calls++;
      throw broken;
    });
    expect(await Promise.resolve(once).catch((error: unknown) => error)).to.equal(broken);
    expect(calls).to.equal(1);
  });

  it('waits for a first attempt that is a promise, and retries it when it rejects', async () => {
    let calls = 0;
    const result = retryingNow(policy, new AbortController().signal, async () => {
      calls++;
      if (calls === 1) throw new HubError('AWAY', 'later', { retriable: true });
      return calls;
    });
    expect(await result).to.equal(2);
  });

  it('does not start when the runtime is stopping', () => {
    const controller = new AbortController();
    controller.abort();
    expect(() => retryingNow(policy, controller.signal, () => 'never')).to.throw(StoppingError);
  });
});
