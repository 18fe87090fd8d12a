import { expect } from 'chai';
import { RetryPolicy } from '../../../../src/connect/runtime/retry-policy.js';

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
});
