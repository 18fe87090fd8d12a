import { expect } from 'chai';
import { HubError } from '../../../../src/core/hub-error.js';
import { CompactedTopicStore } from '../../../../src/platform/state/compacted-topic-store.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

const TOPIC = 'crm-hub.source-positions';

interface Position {
  cursor: string;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

async function openStore(kafka: InMemoryKafka, options: { retentionMs?: number } = {}): Promise<CompactedTopicStore<Position>> {
  return CompactedTopicStore.open<Position>(kafka, await kafka.producer(), TOPIC, options);
}

async function expectHubError(promise: Promise<unknown>, code: string): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(HubError).with.property('code', code);
    return error as HubError;
  }
  return expect.fail(`resolved where ${code} was expected`);
}

describe('CompactedTopicStore', () => {
  let kafka: InMemoryKafka;

  beforeEach(() => {
    kafka = new InMemoryKafka();
  });

  it('makes a compacted topic of one partition, or compact,delete with a retention when asked', async () => {
    await openStore(kafka);
    await CompactedTopicStore.open(kafka, await kafka.producer(), 'crm-hub.webhook-events', { retentionMs: 604_800_000 });

    expect(kafka.configs.get(TOPIC)).to.deep.equal({ 'cleanup.policy': 'compact' });
    expect(kafka.configs.get('crm-hub.webhook-events')).to.deep.equal({ 'cleanup.policy': 'compact,delete', 'retention.ms': '604800000' });
    expect(kafka.topics.get(TOPIC)).to.have.length(1);
  });

  it('reads what the topic already holds as plain JSON values, latest per key, tombstones and keyless records left out', async () => {
    const admin = await kafka.admin();
    await admin.ensureTopics([{ topic: TOPIC, partitions: 1 }]);
    kafka.append(TOPIC, { key: 'crm-poller', value: json({ cursor: '1' }) });
    kafka.append(TOPIC, { key: 'erp-poller', value: json({ cursor: 'a' }) });
    kafka.append(TOPIC, { key: null, value: json({ cursor: 'nobody' }) });
    kafka.append(TOPIC, { key: 'crm-poller', value: json({ cursor: '2' }) });
    kafka.append(TOPIC, { key: 'erp-poller', value: null });

    const store = await openStore(kafka);

    expect([...store.entries()]).to.deep.equal([{ key: 'crm-poller', value: { cursor: '2' } }]);
    expect(store.has('erp-poller')).to.equal(false);
    expect(store.size).to.equal(1);
  });

  it('writes each value as plain JSON on partition 0, visible once acknowledged, and a delete as a tombstone', async () => {
    const store = await openStore(kafka);
    // What the store answers while each write is on its way: the value before it.
    const seenDuringSends: (Position | undefined)[] = [];
    kafka.onSend = async () => void seenDuringSends.push(store.get('crm-poller'));

    await store.putAll([
      { key: 'crm-poller', value: { cursor: '1' } },
      { key: 'crm-poller', value: { cursor: '2' } },
    ]);
    await store.delete('crm-poller');
    await store.put('erp-poller', { cursor: 'b' });

    expect(seenDuringSends).to.deep.equal([undefined, { cursor: '2' }, undefined]);
    const log = kafka.topics.get(TOPIC)![0]!.map((record) => [record.key!.toString(), record.value?.toString() ?? null]);
    expect(log).to.deep.equal([
      ['crm-poller', '{"cursor":"1"}'],
      ['crm-poller', '{"cursor":"2"}'],
      ['crm-poller', null],
      ['erp-poller', '{"cursor":"b"}'],
    ]);
    expect(store.get('crm-poller')).to.equal(undefined);
    expect((await openStore(kafka)).get('erp-poller')).to.deep.equal({ cursor: 'b' });
  });

  it('reload reads what another process wrote meanwhile', async () => {
    const standby = await openStore(kafka);
    const active = await openStore(kafka);
    await active.put('crm-poller', { cursor: '7' });
    expect(standby.get('crm-poller')).to.equal(undefined);

    await standby.reload();

    expect(standby.get('crm-poller')).to.deep.equal({ cursor: '7' });
  });

  it('fails a write the broker refuses with STATE_WRITE_FAILED (retriable), naming the key and topic, and keeps the old value', async () => {
    const store = await openStore(kafka);
    await store.put('crm-poller', { cursor: '1' });
    kafka.refuse.add(TOPIC);

    const error = await expectHubError(store.put('crm-poller', { cursor: '2' }), 'STATE_WRITE_FAILED');

    expect(error.retriable).to.equal(true);
    expect(error.message).to.equal(`could not store crm-poller in ${TOPIC}: the broker refused records for ${TOPIC}`);
    expect(store.get('crm-poller')).to.deep.equal({ cursor: '1' });
  });

  it('refuses a topic of several partitions, whose keys it could not all find on partition 0', async () => {
    const admin = await kafka.admin();
    await admin.ensureTopics([{ topic: TOPIC, partitions: 3 }]);

    const error = await expectHubError(openStore(kafka), 'STATE_PARTITIONS_MISMATCH');
    expect(error.message).to.equal(`state topic ${TOPIC} has 3 partitions where 1 are expected`);
  });
});
