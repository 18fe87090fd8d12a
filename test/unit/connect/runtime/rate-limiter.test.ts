import { expect } from 'chai';
import { RateLimiter } from '../../../../src/connect/runtime/rate-limiter.js';

describe('RateLimiter', () => {
  it('lets a first second’s worth through at once, then holds the average rate', async () => {
    const limiter = new RateLimiter(100);
    const started = Date.now();
    await limiter.acquire(100);
    expect(Date.now() - started).to.be.below(50);
    // 50 more at 100/s cannot come sooner than about half a second later.
    await limiter.acquire(50);
    expect(Date.now() - started).to.be.at.least(450);
  });

  it('lets a request larger than the bucket through once the bucket is full, so it cannot wait forever', async () => {
    const limiter = new RateLimiter(10);
    await limiter.acquire(25);
    await limiter.acquire(1); // owes tokens now: waits, but does return
  });

  it('returns at once when its signal aborts', async () => {
    const limiter = new RateLimiter(1);
    await limiter.acquire(1);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    await limiter.acquire(1, controller.signal);
    expect(Date.now() - started).to.be.below(500);
  });
});
