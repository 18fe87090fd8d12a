import { expect } from 'chai';
import { allReady, whenReady } from '../../../src/core/maybe-promise.js';

describe('MaybePromise', () => {
  it('continues synchronously with a value that is there', () => {
    expect(whenReady(2, (value) => value * 3)).to.equal(6);
    expect(allReady([1, 2])).to.deep.equal([1, 2]);
  });

  it('waits for a pending value, and for all values when any is pending', async () => {
    const later = whenReady(Promise.resolve(2), (value) => value * 3);
    expect(later).to.be.instanceOf(Promise);
    expect(await later).to.equal(6);
    const all = allReady([1, Promise.resolve(2)]);
    expect(all).to.be.instanceOf(Promise);
    expect(await all).to.deep.equal([1, 2]);
  });
});
