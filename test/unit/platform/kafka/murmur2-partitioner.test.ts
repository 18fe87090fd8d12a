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

  it("hashes a megabyte key at once (kafkajs's own version takes quadratic time on long keys)", () => {
    expect(murmur2(Buffer.alloc(1_200_000, 7))).to.be.a('number');
  });
});
