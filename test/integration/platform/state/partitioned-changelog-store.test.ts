import { expect } from 'chai';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import type { HubConsumer, HubProducer, IncomingRecord, KafkaClient } from '../../../../src/platform/kafka/kafka-client.js';
import { PartitionedChangelogStore } from '../../../../src/platform/state/partitioned-changelog-store.js';
import { systemClock } from '../../../../src/core/clock.js';
import { FlowState } from '../../../../src/flows/state/flow-state.js';
import { waitOrFail } from '../../../support/wait-until.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

describe('PartitionedChangelogStore on a real broker', () => {
  let client: KafkaClient;
  let producer: HubProducer;
  let consumer: HubConsumer | undefined;

  before(async () => {
    client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
    producer = await client.producer();
  });

  after(async () => {
    await consumer?.stop();
    await producer.disconnect();
  });

  it('follows its consumer group: restores the changelog partitions assigned, each key in the partition it was written to, tombstones and fired timers gone', async () => {
    const input = uniqueName('it.state.input');
    const changelog = uniqueName('it.state.changelog');
    const admin = await client.admin();
    await admin.ensureTopics([{ topic: input, partitions: 3 }]);

    const before = await PartitionedChangelogStore.open<unknown>(client, producer, { topic: changelog, inputTopic: input });
    const stateBefore = new FlowState('steps[0].test', 'test', { clock: systemClock, idleTimeoutMs: 3_600_000 });
    await before.assign([0, 1, 2]);
    stateBefore.attach(before);
    await before.putAll([
      { partition: 0, key: 'D1', value: { count: 1 } },
      { partition: 1, key: 'D2', value: { count: 2 } },
      { partition: 2, key: 'D3', value: { count: 3 }, expiresAt: 1_000 },
    ]);
    await before.delete(1, 'D2');
    await before.expire(1_000);
    const schedule = (partition: number, id: string, eventTime: number, dueAt: number, payload: string) =>
      stateBefore.exclusive(partition, input, async (journal) => {
        stateBefore.view.observe(eventTime);
        stateBefore.view.schedule(id, dueAt, payload);
        await stateBefore.flush(journal);
      });
    await schedule(1, 'T1', 5_000, 5_000, 'first');
    await schedule(2, 'T2', 1_000, 6_000, 'second');
    const firedBefore = await stateBefore.exclusive(1, undefined, async (journal) => {
      const due = stateBefore.takeDue();
      await stateBefore.flush(journal);
      return due;
    });
    expect(firedBefore.map((timer) => timer.id)).to.deep.equal(['T1']);

    const offsets = await admin.topicOffsets(changelog);
    await admin.disconnect();
    expect(offsets.map((entry) => entry.partition)).to.deep.equal([0, 1, 2]);
    const partition1: IncomingRecord[] = [];
    await client.readPartitionsToEnd(changelog, [1], (records) => partition1.push(...records));
    expect(
      partition1.map((record) => `${record.partition}:${record.key?.toString()}:${record.value === null ? 'tombstone' : 'value'}`),
    ).to.deep.equal(['1:D2:value', '1:D2:tombstone', '1:t/T1:value', `1:w/${input}:value`, '1:w/*:value', '1:t/T1:tombstone']);

    // A second process: its consumer group holds every partition of the input, so its store restores them all.
    const after = await PartitionedChangelogStore.open<unknown>(client, producer, { topic: changelog, inputTopic: input });
    const stateAfter = new FlowState('steps[0].test', 'test', { clock: systemClock, idleTimeoutMs: 3_600_000 });
    stateAfter.attach(after);
    consumer = await client.consumer({ groupId: uniqueName('it.state.group'), topics: [input], fromBeginning: true });
    after.follow(consumer, input);
    void consumer.run(async () => undefined);
    await waitOrFail(
      () => after.assigned.length === 3,
      30_000,
      () => `all 3 partitions assigned (held: ${after.assigned.join(', ')})`,
    );
    await Promise.all([0, 1, 2].map((partition) => after.restored(partition)));

    expect(after.get(0, 'D1')).to.deep.equal({ count: 1 });
    expect(after.get(1, 'D2')).to.equal(undefined);
    expect(after.get(2, 'D3')).to.equal(undefined);
    expect(after.get(1, 'D1')).to.equal(undefined);
    // Each partition's watermark came back with it: T2 is not due at the restored 1,000, and is once an event moves it past 6,000.
    const due = (partition: number, eventTime?: number) =>
      stateAfter.exclusive(partition, input, async (journal) => {
        if (eventTime !== undefined) stateAfter.view.observe(eventTime);
        const fired = stateAfter.takeDue();
        await stateAfter.flush(journal);
        return fired.map(({ id, dueAt, payload }) => ({ id, dueAt, payload }));
      });
    expect(stateAfter.watermark(2)).to.equal(1_000);
    expect(await due(1, 10_000)).to.deep.equal([]);
    expect(await due(2)).to.deep.equal([]);
    expect(await due(2, 7_000)).to.deep.equal([{ id: 'T2', dueAt: 6_000, payload: 'second' }]);
    expect(stateAfter.size()).to.include({ timers: 0, partitions: 3 });
  });
});
