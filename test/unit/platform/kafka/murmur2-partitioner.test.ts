import { createRequire } from 'node:module';
import { expect } from 'chai';
import fc from 'fast-check';
import { murmur2 } from '../../../../src/platform/kafka/murmur2-partitioner.js';

// kafkajs's own murmur2 (the Java client's hash), to prove keys keep their partitions.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer | string,
) => number;

describe('murmur2 partitioner', () => {
  it('hashes exactly like kafkajs (the Java client), so every key keeps its partition', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const key = Buffer.from(bytes);
        expect(murmur2(key)).to.equal(kafkajsMurmur2(key));
      }),
      { seed: 2026, numRuns: 2000 },
    );
    for (const key of ['C440300000123', '52119-06983@WH-SZ-01', '张伟', ''])
      expect(murmur2(Buffer.from(key)), key).to.equal(kafkajsMurmur2(Buffer.from(key)));
  });

  it("hashes in time linear in the key: the cost per byte stays flat as keys double to a megabyte (kafkajs's own version grows)", () => {
    let first: number | undefined;
    for (let size = 16 * 1024; size <= 1024 * 1024; size *= 2) {
      const perByte = costPerByte(murmur2, size);
      first ??= perByte;
      // Linear: about 1 at every size. Quadratic: it keeps growing (kafkajs's passes 4 by 64 KB), an assertion that fails in seconds, not mocha's timeout.
      expect(perByte / first, `cost per byte at ${size / 1024} KB against 16 KB`).to.be.below(4);
    }
  });
});

/** Nanoseconds per byte hashing keys of `size` bytes: the least of 3 tries, each hashing 128 KB in all, so that a busy machine slows no size alone. */
function costPerByte(hash: (key: Buffer) => number, size: number): number {
  const key = Buffer.alloc(size, 7);
  const repeats = Math.max(1, Math.ceil((128 * 1024) / size));
  let least = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = process.hrtime.bigint();
    for (let repeat = 0; repeat < repeats; repeat++) hash(key);
    least = Math.min(least, Number(process.hrtime.bigint() - started) / (repeats * size));
  }
  return least;
}
