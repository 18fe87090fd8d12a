import { expect } from 'chai';
import { HubError } from '../../../../src/core/hub-error.js';
import { changelogTopicName, PartitionedChangelogStore } from '../../../../src/platform/state/partitioned-changelog-store.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

const INPUT = 'crm.service-request.v1';
const CHANGELOG = changelogTopicName('complaints-per-dealer');

/** A process of the hub: its own store on the shared (in-memory) broker. */
async function openStore(kafka: InMemoryKafka): Promise<PartitionedChangelogStore<{ count: number }>> {
  return PartitionedChangelogStore.open<{ count: number }>(kafka, await kafka.producer(), { topic: CHANGELOG, inputTopic: INPUT });
}

/** Every key a store holds, as `partition/key=count`. */
function contents(store: PartitionedChangelogStore<{ count: number }>): string[] {
  return store.assigned
    .flatMap((partition) => [...store.entries(partition)].map(({ key, value }) => `${partition}/${key}=${value.count}`))
    .sort();
}

describe('PartitionedChangelogStore', () => {
  let kafka: InMemoryKafka;

  beforeEach(async () => {
    kafka = new InMemoryKafka();
    const admin = await kafka.admin();
    await admin.ensureTopics([{ topic: INPUT, partitions: 3 }]);
  });

  it('makes a compacted changelog with as many partitions as its input, and writes each key to the partition it is given', async () => {
    const store = await openStore(kafka);
    await store.assign([0, 1, 2]);
    await store.putAll([
      { partition: 2, key: 'D1', value: { count: 1 } },
      { partition: 0, key: 'D2', value: { count: 5 } },
    ]);

    expect(kafka.configs.get(CHANGELOG)).to.deep.equal({ 'cleanup.policy': 'compact' });
    expect(kafka.topics.get(CHANGELOG)!.map((log) => log.map((record) => record.key!.toString()))).to.deep.equal([['D2'], [], ['D1']]);
    expect(store.get(2, 'D1')).to.deep.equal({ count: 1 });
    expect(store.get(0, 'D1')).to.equal(undefined);
  });

  it('writes a batch in one produce request', async () => {
    const store = await openStore(kafka);
    await store.assign([0, 1]);
    const sends: number[] = [];
    kafka.onSend = async (_topic, records) => void sends.push(records.length);
    await store.putAll([
      { partition: 0, key: 'a', value: { count: 1 } },
      { partition: 1, key: 'b', value: { count: 2 } },
      { partition: 0, key: 'a', value: { count: 3 } },
    ]);
    await store.expire(Number.MAX_SAFE_INTEGER);

    expect(sends).to.deep.equal([3]);
    expect(store.get(0, 'a')).to.deep.equal({ count: 3 });
  });

  it('gives a new instance (a restart) the same state, tombstoned keys gone', async () => {
    const before = await openStore(kafka);
    await before.assign([0, 1, 2]);
    await before.putAll([
      { partition: 0, key: 'D1', value: { count: 1 } },
      { partition: 1, key: 'D2', value: { count: 2 } },
      { partition: 2, key: 'D3', value: { count: 3 } },
      { partition: 0, key: 'D1', value: { count: 4 } },
    ]);
    await before.delete(1, 'D2');

    const after = await openStore(kafka);
    await after.assign([0, 1, 2]);

    expect(contents(after)).to.deep.equal(['0/D1=4', '2/D3=3']);
    expect(contents(after)).to.deep.equal(contents(before));
  });

  it('reads back only the partitions assigned, each to its end', async () => {
    const writer = await openStore(kafka);
    await writer.assign([0, 1, 2]);
    await writer.putAll([0, 1, 2].map((partition) => ({ partition, key: `D${partition}`, value: { count: partition } })));

    const reader = await openStore(kafka);
    const read: number[][] = [];
    const readPartitions = kafka.readPartitionsToEnd.bind(kafka);
    kafka.readPartitionsToEnd = async (topic, partitions, visit) => (read.push([...partitions]), readPartitions(topic, partitions, visit));
    await reader.assign([1]);

    expect(read).to.deep.equal([[1]]);
    expect(contents(reader)).to.deep.equal(['1/D1=1']);
  });

  it('hands a revoked partition to the process assigned it: exactly the keys of that partition move', async () => {
    const a = await openStore(kafka);
    const b = await openStore(kafka);
    await a.assign([0, 1, 2]);
    await b.assign([]);
    await a.putAll([
      { partition: 0, key: 'D1', value: { count: 1 } },
      { partition: 1, key: 'D2', value: { count: 2 } },
      { partition: 1, key: 'D3', value: { count: 3 } },
      { partition: 2, key: 'D4', value: { count: 4 } },
    ]);
    await a.delete(1, 'D3');
    const aHadOfPartition1 = [...a.entries(1)].map(({ key, value }) => `${key}=${value.count}`);

    // The rebalance: partition 1 goes from A to B.
    await a.assign([0, 2]);
    await b.assign([1]);

    expect(contents(b)).to.deep.equal(aHadOfPartition1.map((entry) => `1/${entry}`));
    expect(contents(b)).to.deep.equal(['1/D2=2']);
    expect(contents(a)).to.deep.equal(['0/D1=1', '2/D4=4']);
    expect(a.get(1, 'D2')).to.equal(undefined);
    try {
      await a.put(1, 'D2', { count: 9 });
      expect.fail('a write to a partition no longer held was accepted');
    } catch (error) {
      expect(error).to.be.instanceOf(HubError).with.property('code', 'STATE_PARTITION_NOT_HELD');
    }
  });

  it('follows its consumer: a group join restores what it brings and drops what it leaves out', async () => {
    const writer = await openStore(kafka);
    await writer.assign([0, 1, 2]);
    await writer.putAll([0, 1, 2].map((partition) => ({ partition, key: `D${partition}`, value: { count: partition } })));
    const store = await openStore(kafka);
    const consumer = await kafka.consumer({ groupId: 'crm-hub.flow.complaints-per-dealer' });
    store.follow(consumer, INPUT);

    kafka.joinGroup('crm-hub.flow.complaints-per-dealer', { [INPUT]: [0, 2], 'other.topic.v1': [1] });
    await store.restored(0);
    await store.restored(2);
    expect(contents(store)).to.deep.equal(['0/D0=0', '2/D2=2']);

    kafka.joinGroup('crm-hub.flow.complaints-per-dealer', { [INPUT]: [1] });
    await store.restored(1);
    expect(contents(store)).to.deep.equal(['1/D1=1']);
  });

  it('holds back a write to a partition until it is restored, so the restore cannot overwrite it', async () => {
    const writer = await openStore(kafka);
    await writer.assign([0]);
    await writer.put(0, 'D1', { count: 1 });
    const store = await openStore(kafka);
    let release!: () => void;
    const readPartitions = kafka.readPartitionsToEnd.bind(kafka);
    kafka.readPartitionsToEnd = async (topic, partitions, visit) => {
      await readPartitions(topic, partitions, visit);
      await new Promise<void>((resolve) => (release = resolve));
    };
    const assigned = store.assign([0]);
    const written = store.put(0, 'D1', { count: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([assigned, written]);

    expect(store.get(0, 'D1')).to.deep.equal({ count: 2 });
  });

  it('expires by tombstones the keys due at or before the time given, and only in the partitions given', async () => {
    const store = await openStore(kafka);
    await store.assign([0, 1]);
    await store.putAll([
      { partition: 0, key: 'old', value: { count: 1 }, expiresAt: 1_000 },
      { partition: 0, key: 'edge', value: { count: 2 }, expiresAt: 2_000 },
      { partition: 0, key: 'young', value: { count: 3 }, expiresAt: 2_001 },
      { partition: 0, key: 'forever', value: { count: 4 } },
      { partition: 1, key: 'other', value: { count: 5 }, expiresAt: 1_000 },
    ]);

    const expired = await store.expire(2_000, [0]);

    expect(expired).to.deep.equal([
      { partition: 0, key: 'old' },
      { partition: 0, key: 'edge' },
    ]);
    expect(contents(store)).to.deep.equal(['0/forever=4', '0/young=3', '1/other=5']);
    const tombstones = kafka.topics
      .get(CHANGELOG)![0]!
      .filter((record) => record.value === null)
      .map((record) => record.key!.toString());
    expect(tombstones).to.deep.equal(['old', 'edge']);
    const restarted = await openStore(kafka);
    await restarted.assign([0, 1]);
    expect(contents(restarted)).to.deep.equal(['0/forever=4', '0/young=3', '1/other=5']);
  });

  it('refuses a changelog whose partition count is not its input’s', async () => {
    const admin = await kafka.admin();
    await admin.ensureTopics([{ topic: CHANGELOG, partitions: 1 }]);
    try {
      await openStore(kafka);
      expect.fail('a changelog of 1 partition was accepted for an input of 3');
    } catch (error) {
      expect(error).to.be.instanceOf(HubError).with.property('code', 'STATE_PARTITIONS_MISMATCH');
    }
  });

  it('rejects a write when the broker refuses it, and keeps the value it had', async () => {
    const store = await openStore(kafka);
    await store.assign([0]);
    await store.put(0, 'D1', { count: 1 });
    kafka.refuse.add(CHANGELOG);
    try {
      await store.put(0, 'D1', { count: 2 });
      expect.fail('a refused write resolved');
    } catch (error) {
      expect(error).to.be.instanceOf(HubError).with.property('code', 'STATE_WRITE_FAILED');
    }
    expect(store.get(0, 'D1')).to.deep.equal({ count: 1 });
  });

  it('reads a partition again on the next assignment when it could not be read back', async () => {
    const writer = await openStore(kafka);
    await writer.assign([0]);
    await writer.put(0, 'D1', { count: 1 });
    const store = await openStore(kafka);
    const readPartitions = kafka.readPartitionsToEnd.bind(kafka);
    kafka.readPartitionsToEnd = async () => {
      throw new HubError('BROKER_AWAY', 'broker away', { retriable: true });
    };
    try {
      await store.assign([0]);
      expect.fail('a failed restore resolved');
    } catch (error) {
      expect(error).to.be.instanceOf(HubError).with.property('code', 'STATE_RESTORE_FAILED');
    }
    kafka.readPartitionsToEnd = readPartitions;
    await store.assign([0]);

    expect(store.get(0, 'D1')).to.deep.equal({ count: 1 });
  });

  it('restores around a record no entry can be made of: that key is absent, the partition and every other key read back', async () => {
    const writer = await openStore(kafka);
    await writer.assign([0]);
    await writer.put(0, 'good', { count: 1 });
    kafka.append(writer.topic, { key: 'broken', value: Buffer.from('{not json'), partition: 0 });
    const store = await openStore(kafka);
    await store.assign([0]);
    expect(store.get(0, 'good')).to.deep.equal({ count: 1 });
    expect(store.get(0, 'broken')).to.equal(undefined);
  });
});
