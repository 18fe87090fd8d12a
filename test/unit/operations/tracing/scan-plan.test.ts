import { expect } from 'chai';
import fc from 'fast-check';
import type { OffsetRange } from '../../../../src/platform/kafka/kafka-client.js';
import { planScan } from '../../../../src/operations/tracing/scan-plan.js';

const span = (topic: string, partition: number, from: number, to: number): OffsetRange => ({
  topic,
  partition,
  from: String(from),
  to: String(to),
});
const size = (ranges: OffsetRange[]) => ranges.reduce((sum, range) => sum + Number(range.to) - Number(range.from), 0);

describe('planScan', () => {
  it('reads every non-empty span whole when they hold no more than the limit', () => {
    const plan = planScan([span('a', 0, 5, 10), span('a', 1, 7, 7), span('b', 0, 0, 3)], 8);
    expect(plan).to.deep.equal({ ranges: [span('a', 0, 5, 10), span('b', 0, 0, 3)], inRange: 8, planned: 8, limitHit: false });
  });

  it('over the limit, keeps the newest records of each partition in proportion', () => {
    const plan = planScan([span('a', 0, 0, 300), span('b', 0, 1000, 1100)], 100);
    expect(plan.limitHit).to.equal(true);
    expect(plan.inRange).to.equal(400);
    expect(plan.ranges).to.deep.equal([span('a', 0, 225, 300), span('b', 0, 1075, 1100)]);
  });

  it('gives the odd records to the largest remainders and drops partitions left with none', () => {
    const plan = planScan([span('a', 0, 0, 1), span('b', 0, 0, 1), span('c', 0, 0, 8)], 3);
    expect(plan.ranges).to.deep.equal([span('c', 0, 5, 8)]);
  });

  it('reads exactly min(limit, records in range), only inside each span and up to its end', () => {
    const spans = fc.uniqueArray(
      fc.record({ topic: fc.constantFrom('a', 'b', 'c'), partition: fc.nat(5), from: fc.nat(1000), count: fc.nat(500) }),
      { maxLength: 12, selector: (entry) => `${entry.topic}/${entry.partition}` },
    );
    fc.assert(
      fc.property(spans, fc.integer({ min: 1, max: 3000 }), (entries, limit) => {
        const input = entries.map((entry) => span(entry.topic, entry.partition, entry.from, entry.from + entry.count));
        const total = size(input);
        const plan = planScan(input, limit);
        expect(plan.inRange).to.equal(total);
        expect(plan.limitHit).to.equal(total > limit);
        expect(size(plan.ranges)).to.equal(Math.min(total, limit));
        for (const range of plan.ranges) {
          const source = input.find((candidate) => candidate.topic === range.topic && candidate.partition === range.partition)!;
          expect(range.to).to.equal(source.to);
          expect(Number(range.from)).to.be.at.least(Number(source.from)).and.below(Number(range.to));
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});
