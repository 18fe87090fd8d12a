import { expect } from 'chai';
import { ConsumerLagReader } from '../../../../src/platform/kafka/consumer-lag.js';
import type { HubAdmin, PartitionOffsets } from '../../../../src/platform/kafka/kafka-client.js';

type Admin = Pick<HubAdmin, 'groupOffsets' | 'topicOffsets'>;

/** Offsets as a broker would answer them, and how often it was asked. */
class FakeAdmin implements Admin {
  calls = 0;
  failWith: Error | undefined;
  hang = false;
  readonly ends = new Map<string, PartitionOffsets[]>();
  readonly committed = new Map<string, { partition: number; offset: string }[]>();

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    this.calls++;
    if (this.hang) return new Promise<never>(() => undefined);
    if (this.failWith) throw this.failWith;
    return this.ends.get(topic) ?? [];
  }

  async groupOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    return this.committed.get(`${groupId}/${topic}`) ?? [];
  }
}

describe('ConsumerLagReader', () => {
  let admin: FakeAdmin;
  let now: number;
  let reader: ConsumerLagReader;

  beforeEach(() => {
    admin = new FakeAdmin();
    now = Date.parse('2026-03-01T08:00:00.000Z');
    reader = new ConsumerLagReader(admin, { now: () => now, timeoutMs: 200 });
    admin.ends.set('orders', [
      { partition: 0, low: '0', high: '100' },
      { partition: 1, low: '40', high: '90' },
      { partition: 2, low: '10', high: '10' },
    ]);
    admin.ends.set('claims', [{ partition: 0, low: '0', high: '7' }]);
  });

  it('counts from the committed offset, from the start of what is retained when the group never committed, and never below zero', async () => {
    // Partition 1: committed 20 is below the low watermark 40 (retention removed 20..39): those are gone, not lag.
    admin.committed.set('g/orders', [
      { partition: 0, offset: '75' },
      { partition: 1, offset: '20' },
      { partition: 2, offset: '12' },
    ]);
    admin.committed.set('g/claims', [{ partition: 0, offset: '-1' }]);
    const lag = await reader.lag({ groupId: 'g', topics: ['orders', 'claims'] });
    expect(lag).to.deep.equal({
      groupId: 'g',
      total: 25 + 50 + 0 + 7,
      at: '2026-03-01T08:00:00.000Z',
      topics: [
        {
          topic: 'orders',
          lag: 75,
          partitions: [
            { partition: 0, committed: '75', end: '100', lag: 25 },
            { partition: 1, committed: '20', end: '90', lag: 50 },
            { partition: 2, committed: '12', end: '10', lag: 0 },
          ],
        },
        { topic: 'claims', lag: 7, partitions: [{ partition: 0, committed: null, end: '7', lag: 7 }] },
      ],
    });
  });

  it('keeps 64-bit offsets exact', async () => {
    admin.ends.set('big', [{ partition: 0, low: '9007199254740000', high: '9007199254740993' }]);
    admin.committed.set('g/big', [{ partition: 0, offset: '9007199254740990' }]);
    const lag = await reader.lag({ groupId: 'g', topics: ['big'] });
    expect(lag.total).to.equal(3);
    expect(lag.topics[0]!.partitions[0]!.committed).to.equal('9007199254740990');
  });

  it('asks the broker at most every 5 s per group, concurrent callers sharing one read', async () => {
    const group = { groupId: 'g', topics: ['orders'] };
    await Promise.all([reader.lag(group), reader.lag(group), reader.lag({ groupId: 'g', topics: ['orders'] })]);
    expect(admin.calls).to.equal(1);
    admin.committed.set('g/orders', [{ partition: 0, offset: '100' }]);
    now += 4999;
    expect((await reader.lag(group)).total, 'still the cached answer').to.equal(150);
    expect(admin.calls).to.equal(1);
    now += 1;
    expect((await reader.lag(group)).total).to.equal(50);
    expect(admin.calls).to.equal(2);
    await reader.lag({ groupId: 'other', topics: ['orders'] });
    expect(admin.calls, 'another group is read on its own').to.equal(3);
  });

  it('reports a failing broker as CONSUMER_LAG_UNAVAILABLE and does not ask again for 5 s', async () => {
    admin.failWith = new Error('connection refused');
    const group = { groupId: 'g', topics: ['orders'] };
    const first = await reader.lag(group).catch((error: unknown) => error);
    expect(first).to.include({ code: 'CONSUMER_LAG_UNAVAILABLE', retriable: true });
    expect((first as Error).message)
      .to.contain('connection refused')
      .and.to.contain('group g');
    await reader.lag(group).catch(() => undefined);
    expect(admin.calls).to.equal(1);
    admin.failWith = undefined;
    now += 5000;
    expect((await reader.lag(group)).total).to.equal(150);
  });

  it('gives up on a broker that does not answer rather than holding the caller', async () => {
    admin.hang = true;
    const started = Date.now();
    const error = await reader.lag({ groupId: 'g', topics: ['orders'] }).catch((e: unknown) => e);
    expect(error).to.include({ code: 'CONSUMER_LAG_UNAVAILABLE' });
    expect(Date.now() - started).to.be.below(1000);
  });
});
