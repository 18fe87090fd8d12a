import { expect } from 'chai';
import { LookupCache } from '../../../../src/platform/cache/lookup-cache.js';

/** A lookup that counts its calls and answers `${key}#${call}`, or fails while `failing` is set. */
function countingLookup() {
  const lookup = {
    calls: 0,
    failing: false,
    load: (key: string) => async () => {
      lookup.calls++;
      if (lookup.failing) throw new RangeError('away');
      return `${key}#${lookup.calls}`;
    },
  };
  return lookup;
}

describe('LookupCache', () => {
  it('reuses an answer for its time to live, then looks it up again', async () => {
    let now = 1000;
    const cache = new LookupCache<string>({ ttlMs: 5000, clock: { now: () => now } });
    const lookup = countingLookup();
    expect(await cache.get('a', lookup.load('a'))).to.equal('a#1');
    now += 5000;
    expect(await cache.get('a', lookup.load('a'))).to.equal('a#1');
    expect(await cache.get('b', lookup.load('b'))).to.equal('b#2');
    now += 1;
    expect(await cache.get('a', lookup.load('a'))).to.equal('a#3');
    expect(lookup.calls).to.equal(3);
  });

  it('shares a lookup in flight among callers of the same key', async () => {
    const cache = new LookupCache<string>({ ttlMs: 5000, clock: { now: () => 0 } });
    const lookup = countingLookup();
    const answers = await Promise.all([
      cache.get('a', lookup.load('a')),
      cache.get('a', lookup.load('a')),
      cache.get('b', lookup.load('b')),
    ]);
    expect(answers).to.deep.equal(['a#1', 'a#1', 'b#2']);
    expect(lookup.calls).to.equal(2);
  });

  it('keeps "nothing found" as an answer too', async () => {
    const cache = new LookupCache<string | undefined>({ ttlMs: 5000, clock: { now: () => 0 } });
    let calls = 0;
    const notFound = async () => {
      calls++;
      return undefined;
    };
    expect(await cache.get('a', notFound)).to.equal(undefined);
    expect(await cache.get('a', notFound)).to.equal(undefined);
    expect(calls).to.equal(1);
  });

  it('keeps no failure: the next caller asks again', async () => {
    const cache = new LookupCache<string>({ ttlMs: 5000, clock: { now: () => 0 } });
    const lookup = countingLookup();
    lookup.failing = true;
    const failures = await Promise.allSettled([cache.get('a', lookup.load('a')), cache.get('a', lookup.load('a'))]);
    expect(failures.map((result) => result.status === 'rejected' && (result.reason as Error).message)).to.deep.equal(['away', 'away']);
    expect(lookup.calls, 'one lookup for both').to.equal(1);
    lookup.failing = false;
    expect(await cache.get('a', lookup.load('a'))).to.equal('a#2');
  });

  it('with a time to live of 0 reuses no answer but still shares a lookup in flight', async () => {
    const cache = new LookupCache<string>({ ttlMs: 0, clock: { now: () => 0 } });
    const lookup = countingLookup();
    expect(await Promise.all([cache.get('a', lookup.load('a')), cache.get('a', lookup.load('a'))])).to.deep.equal(['a#1', 'a#1']);
    expect(await cache.get('a', lookup.load('a'))).to.equal('a#2');
  });

  it('holds at most maxEntries answers, dropping the least recently used', async () => {
    const cache = new LookupCache<string>({ ttlMs: 5000, maxEntries: 2, clock: { now: () => 0 } });
    const lookup = countingLookup();
    await cache.get('a', lookup.load('a'));
    await cache.get('b', lookup.load('b'));
    await cache.get('a', lookup.load('a'));
    await cache.get('c', lookup.load('c'));
    expect(await cache.get('a', lookup.load('a'))).to.equal('a#1');
    expect(await cache.get('b', lookup.load('b'))).to.equal('b#4');
  });

  it('forgets every answer on clear, while a lookup in flight still answers its callers', async () => {
    const cache = new LookupCache<string>({ ttlMs: 5000, clock: { now: () => 0 } });
    const lookup = countingLookup();
    await cache.get('a', lookup.load('a'));
    let release: (value: string) => void = () => undefined;
    const pending = cache.get('b', () => new Promise<string>((resolve) => (release = resolve)));
    cache.clear();
    release('b#late');
    expect(await pending).to.equal('b#late');
    expect(await cache.get('a', lookup.load('a'))).to.equal('a#2');
  });
});
