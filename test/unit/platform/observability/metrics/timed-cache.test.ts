import { expect } from 'chai';
import { TimedCache } from '../../../../../src/platform/observability/metrics/timed-cache.js';

describe('TimedCache', () => {
  it('loads once per ttl, shares a load in flight, and keeps a failure as long as an answer', async () => {
    let now = 1000;
    let loads = 0;
    let fail = false;
    const cache = new TimedCache(
      async () => {
        loads++;
        if (fail) throw new Error('away');
        return loads;
      },
      5000,
      () => now,
    );
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect([a, b, loads]).to.deep.equal([1, 1, 1]);
    now += 4999;
    expect(await cache.get()).to.equal(1);
    now += 1;
    expect(await cache.get()).to.equal(2);
    fail = true;
    now += 5000;
    await cache.get().then(
      () => expect.fail('the load failed'),
      (error: Error) => expect(error.message).to.equal('away'),
    );
    fail = false;
    await cache.get().then(
      () => expect.fail('a failure is kept for the ttl too'),
      () => undefined,
    );
    expect(loads).to.equal(3);
    now += 5000;
    expect(await cache.get()).to.equal(4);
  });
});
