import { expect } from 'chai';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import type { HubConsumer, HubProducer, KafkaClient } from '../../../../src/platform/kafka/kafka-client.js';
import { PartitionedChangelogStore } from '../../../../src/platform/state/partitioned-changelog-store.js';
import { TimerStore } from '../../../../src/platform/state/timer-store.js';
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
    const timersBefore = new TimerStore<string>(before);
    await before.assign([0, 1, 2]);
    await before.putAll([
      { partition: 0, key: 'D1', value: { count: 1 } },
      { partition: 1, key: 'D2', value: { count: 2 } },
      { partition: 2, key: 'D3', value: { count: 3 }, expiresAt: 1_000 },
    ]);
    await before.delete(1, 'D2');
    await before.expire(1_000);
    await timersBefore.schedule(1, 'T1', 5_000, 'first');
    await timersBefore.schedule(2, 'T2', 6_000, 'second');
    await timersBefore.fired(timersBefore.due(1, 5_000));

    const offsets = await admin.topicOffsets(changelog);
    await admin.disconnect();
    expect(offsets.map((entry) => entry.partition)).to.deep.equal([0, 1, 2]);
    const partition1 = await client.readPartitionsToEnd(changelog, [1]);
    expect(
      partition1.map((record) => `${record.partition}:${record.key?.toString()}:${record.value === null ? 'tombstone' : 'value'}`),
    ).to.deep.equal(['1:D2:value', '1:D2:tombstone', '1:timer/T1:value', '1:timer/T1:tombstone']);

    // A second process: its consumer group holds every partition of the input, so its store restores them all.
    const after = await PartitionedChangelogStore.open<unknown>(client, producer, { topic: changelog, inputTopic: input });
    const timersAfter = new TimerStore<string>(after);
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
    expect(timersAfter.due(1, 10_000)).to.deep.equal([]);
    expect(timersAfter.due(2, 10_000)).to.deep.equal([{ partition: 2, id: 'T2', dueAt: 6_000, payload: 'second' }]);
  });
});
