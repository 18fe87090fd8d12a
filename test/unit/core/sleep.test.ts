import { expect } from 'chai';
import { sleep } from '../../../src/core/sleep.js';

describe('sleep', () => {
  // A minute-long wait that did not end on abort would outlast mocha's timeout and fail the test.
  it('ends a long wait as soon as its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await waiting;
  });

  it('does not wait at all when the signal has already aborted', async () => {
    const settled: string[] = [];
    const waiting = sleep(60_000, AbortSignal.abort()).then(() => settled.push('sleep'));
    await Promise.resolve().then(() => settled.push('next microtask'));
    await waiting;
    expect(settled).to.deep.equal(['sleep', 'next microtask']);
  });

  it('resolves after the given time without a signal', async () => {
    let resolved = false;
    await Promise.race([sleep(0).then(() => (resolved = true)), new Promise((resolve) => setTimeout(resolve, 50))]);
    expect(resolved).to.equal(true);
  });
});
