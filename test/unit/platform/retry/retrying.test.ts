import { expect } from 'chai';
import { HubError } from '../../../../src/core/hub-error.js';
import { NO_JITTER, RetryPolicy } from '../../../../src/platform/retry/retry-policy.js';
import { retrying, StoppingError } from '../../../../src/platform/retry/retrying.js';
import { InstantClock } from '../../../support/instant-clock.js';

const policy = new RetryPolicy({ attempts: 4, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 }, NO_JITTER);
const away = (attempt: number) => new HubError('AWAY', `away ${attempt}`, { retriable: true });

describe('retrying', () => {
  it('tries again after the policy’s waits until the work succeeds, telling onRetry of each failure', async () => {
    const clock = new InstantClock();
    const retries: [string, number, number][] = [];
    const result = await retrying(
      policy,
      async (attempt) => {
        if (attempt < 3) throw away(attempt);
        return `done at ${attempt}`;
      },
      { clock, onRetry: (error, attempt, delay) => retries.push([(error as Error).message, attempt, delay]) },
    );
    expect(result).to.equal('done at 3');
    expect(clock.sleeps).to.deep.equal([100, 200]);
    expect(retries).to.deep.equal([
      ['away 1', 1, 100],
      ['away 2', 2, 200],
    ]);
  });

  it('gives the last error back once the attempts are used up, and at once when an error is not retriable', async () => {
    const clock = new InstantClock();
    let calls = 0;
    const last = await retrying(
      policy,
      async (attempt) => {
        calls++;
        throw away(attempt);
      },
      { clock },
    ).catch((e: unknown) => e);
    expect((last as Error).message).to.equal('away 4');
    expect(calls).to.equal(4);

    const broken = new HubError('BROKEN', 'no use trying again');
    let brokenCalls = 0;
    const error = await retrying(
      policy,
      async () => {
        brokenCalls++;
        throw broken;
      },
      { clock },
    ).catch((e: unknown) => e);
    expect(error).to.equal(broken);
    expect(brokenCalls).to.equal(1);
  });

  it('retries what is not a HubError by default, and asks `retriable` when given', async () => {
    const clock = new InstantClock();
    let plain = 0;
    await retrying(
      policy,
      async () => {
        if (++plain < 2) throw new Error('socket hang up');
      },
      { clock },
    );
    expect(plain).to.equal(2);

    let refused = 0;
    const error = await retrying(
      policy,
      async () => {
        refused++;
        throw Object.assign(new Error('not the leader'), { retriable: false });
      },
      { clock, retriable: (e) => (e as { retriable?: boolean }).retriable === true },
    ).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('not the leader');
    expect(refused).to.equal(1);
  });

  it('waits what an error’s retryAfterMs asks, up to the policy’s maximum', async () => {
    const clock = new InstantClock();
    const asks = [300, 60_000];
    await retrying(
      policy,
      async (attempt) => {
        const ask = asks[attempt - 1];
        if (ask !== undefined) throw Object.assign(away(attempt), { retryAfterMs: ask });
      },
      { clock },
    );
    expect(clock.sleeps).to.deep.equal([300, 1000]);
  });

  it('stops before a try that would start after timeoutMs, with the last error', async () => {
    const clock = new InstantClock();
    const endless = new RetryPolicy({ attempts: Infinity, initialDelayMs: 500, maxDelayMs: 500, multiplier: 1 }, NO_JITTER);
    let calls = 0;
    const error = await retrying(
      endless,
      async (attempt) => {
        calls++;
        clock.time += 100; // each try takes 100 ms
        throw away(attempt);
      },
      { clock, timeoutMs: 2000 },
    ).catch((e: unknown) => e);
    // Tries start at 0, 600, 1200 and 1800 ms; the next would start at 2400.
    expect(calls).to.equal(4);
    expect((error as Error).message).to.equal('away 4');
  });

  it('starts no try once its signal aborted, and ends a pending wait then', async () => {
    const clock = new InstantClock();
    const stopped = AbortSignal.abort();
    let calls = 0;
    const before = await retrying(policy, async () => void calls++, { signal: stopped, clock }).catch((e: unknown) => e);
    expect(before).to.be.instanceOf(StoppingError);
    expect(calls).to.equal(0);

    const stopping = new AbortController();
    const waiting = retrying(
      policy,
      async (attempt) => {
        throw away(attempt);
      },
      { signal: stopping.signal, onRetry: () => stopping.abort() },
    );
    // onRetry aborts: the wait after it ends at once, and the failure is the stop, not "away".
    expect(await waiting.catch((e: unknown) => e)).to.be.instanceOf(StoppingError);
  });
});
