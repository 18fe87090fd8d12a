import { expect } from 'chai';
import { keyOrderedChunks } from '../../../../src/connect/runtime/key-ordered-chunks.js';

interface R {
  key: string;
  n: number;
}

function random(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('keyOrderedChunks', () => {
  it('never puts one key twice in a chunk, keeps per-key order, bounds chunk size and loses nothing', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rnd = random(seed);
      const records: R[] = Array.from({ length: 1 + Math.floor(rnd() * 300) }, (_, n) => ({ key: `k${Math.floor(rnd() * 20)}`, n }));
      const lanes = 1 + Math.floor(rnd() * 6);
      const size = 1 + Math.floor(rnd() * 40);
      const result = keyOrderedChunks(records, (r) => r.key, lanes, size);
      expect(result.length).to.be.at.most(lanes);
      const laneOfKey = new Map<string, number>();
      const seenOrder = new Map<string, number[]>();
      result.forEach((chunks, lane) => {
        for (const chunk of chunks) {
          expect(chunk.length).to.be.within(1, size);
          expect(new Set(chunk.map((r) => r.key)).size, `seed ${seed}`).to.equal(chunk.length);
          for (const r of chunk) {
            expect(laneOfKey.get(r.key) ?? lane).to.equal(lane);
            laneOfKey.set(r.key, lane);
            seenOrder.set(r.key, [...(seenOrder.get(r.key) ?? []), r.n]);
          }
        }
      });
      expect([...seenOrder.values()].flat().sort((a, b) => a - b)).to.deep.equal(records.map((r) => r.n));
      for (const order of seenOrder.values()) expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    }
  });
});
