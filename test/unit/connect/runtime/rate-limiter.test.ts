import { expect } from 'chai';
import { RateLimiter } from '../../../../src/connect/runtime/rate-limiter.js';
import { InstantClock } from '../../../support/instant-clock.js';
import { ManualClock } from '../../../support/manual-clock.js';

describe('RateLimiter', () => {
  it('lets a first second’s worth through at once, then holds the average rate', async () => {
    const clock = new InstantClock();
    const limiter = new RateLimiter(100, clock);
    await limiter.acquire(100);
    expect(clock.sleeps).to.deep.equal([]);
    // 50 more at 100/s come half a second later, not sooner.
    await limiter.acquire(50);
    expect(clock.time).to.equal(500);
    // Another 100 need the whole bucket refilled: one more second.
    await limiter.acquire(100);
    expect(clock.time).to.equal(1500);
  });

  it('lets a request larger than the bucket through once the bucket is full, so it cannot wait forever', async () => {
    const clock = new InstantClock();
    const limiter = new RateLimiter(10, clock);
    await limiter.acquire(25);
    expect(clock.sleeps).to.deep.equal([]);
    // It owes 15 tokens now: the next one waits for 16 at 10/s.
    await limiter.acquire(1);
    expect(clock.time).to.equal(1600);
  });

  it('returns at once when its signal aborts', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(1, clock);
    await limiter.acquire(1);
    const controller = new AbortController();
    let returned = false;
    const waiting = limiter.acquire(1, controller.signal).then(() => (returned = true));
    await clock.advance(500);
    expect(returned, 'half the wait gone').to.equal(false);
    controller.abort();
    await waiting;
    expect(clock.now()).to.equal(500);
  });
});
