import { expect } from 'chai';
import { NO_JITTER, RetryPolicy } from '../../../../src/platform/retry/retry-policy.js';

const settings = { attempts: 5, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 };

describe('RetryPolicy', () => {
  it('allows exactly `attempts` tries in total', () => {
    const policy = new RetryPolicy(settings);
    expect([1, 2, 3, 4, 5].map((attempt) => policy.canRetry(attempt))).to.deep.equal([true, true, true, true, false]);
  });

  it('grows exponentially between half and all of the ceiling, capped at maxDelayMs', () => {
    const low = new RetryPolicy(settings, () => 0);
    const high = new RetryPolicy(settings, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map((a) => low.delayMs(a))).to.deep.equal([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((a) => high.delayMs(a))).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
  });

  it('honours Retry-After over its own backoff, up to maxDelayMs', () => {
    const policy = new RetryPolicy(settings, () => 0);
    expect(policy.delayMs(1, 700)).to.equal(700);
    expect(policy.delayMs(1, 60_000)).to.equal(1000);
    expect(policy.delayMs(3, 0)).to.equal(0);
  });

  it('waits each ceiling in full without jitter, as a fixed poll interval needs', () => {
    const fixed = new RetryPolicy({ attempts: Infinity, initialDelayMs: 500, maxDelayMs: 500, multiplier: 1 }, NO_JITTER);
    expect([1, 2, 50].map((a) => fixed.delayMs(a))).to.deep.equal([500, 500, 500]);
    expect(fixed.canRetry(1_000_000)).to.equal(true);
  });
});
