import { expect } from 'chai';
import fc from 'fast-check';
import { sizeBoundedChunks } from '../../../../src/platform/kafka/size-bounded-chunks.js';

describe('produce requests bounded by size', () => {
  const record = (bytes: number, key = 'k') => ({ key, value: Buffer.alloc(bytes), headers: { 'correlation-id': 'c' } });

  it('keeps small sends in one request and splits a large one, in order', () => {
    expect(sizeBoundedChunks([record(10), record(10)], 1000)).to.have.length(1);
    const chunks = sizeBoundedChunks([record(400, 'a'), record(400, 'b'), record(400, 'c')], 1000);
    expect(chunks.map((chunk) => chunk.map((r) => r.key))).to.deep.equal([['a', 'b'], ['c']]);
  });

  it('sends a record larger than the limit alone, for the broker to judge', () => {
    expect(
      sizeBoundedChunks([record(10, 'a'), record(5000, 'big'), record(10, 'b')], 1000).map((chunk) => chunk.map((r) => r.key)),
    ).to.deep.equal([['a'], ['big'], ['b']]);
  });

  it('never loses, repeats or reorders a record, and no request of several records exceeds the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 60 }), fc.integer({ min: 200, max: 5000 }), (sizes, limit) => {
        const records = sizes.map((size, index) => record(size, String(index)));
        const chunks = sizeBoundedChunks(records, limit);
        expect(chunks.flat()).to.deep.equal(records);
        for (const chunk of chunks) {
          if (chunk.length > 1)
            expect(chunk.reduce((sum, r) => sum + 64 + 1 + (r.value?.length ?? 0) + 'correlation-id'.length + 1, 0)).to.be.at.most(limit);
        }
      }),
      { seed: 1123, numRuns: 300 },
    );
  });
});
