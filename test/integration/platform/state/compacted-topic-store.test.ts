import { expect } from 'chai';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import type { HubProducer, KafkaClient } from '../../../../src/platform/kafka/kafka-client.js';
import { CompactedTopicStore } from '../../../../src/platform/state/compacted-topic-store.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

describe('CompactedTopicStore on a real broker', () => {
  let client: KafkaClient;
  let producer: HubProducer;

  before(async () => {
    client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
    producer = await client.producer();
  });

  after(async () => {
    await producer.disconnect();
  });

  it('reads a state topic written the way the hub wrote them before (plain JSON, partition left to the key), then writes on and reads back', async () => {
    const topic = uniqueName('it.state.positions');
    const admin = await client.admin();
    await admin.ensureTopics([{ topic, partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    await admin.disconnect();
    await producer.send(topic, [
      { key: 'crm-poller', value: Buffer.from(JSON.stringify({ cursor: '1' })) },
      { key: 'erp-poller', value: Buffer.from(JSON.stringify({ cursor: 'a' })) },
      { key: 'crm-poller', value: Buffer.from(JSON.stringify({ cursor: '2' })) },
    ]);

    const store = await CompactedTopicStore.open<{ cursor: string }>(client, producer, topic);
    expect([...store.entries()]).to.deep.equal([
      { key: 'erp-poller', value: { cursor: 'a' } },
      { key: 'crm-poller', value: { cursor: '2' } },
    ]);
    await store.put('crm-poller', { cursor: '3' });
    await store.delete('erp-poller');

    const restarted = await CompactedTopicStore.open<{ cursor: string }>(client, producer, topic);
    expect([...restarted.entries()]).to.deep.equal([{ key: 'crm-poller', value: { cursor: '3' } }]);
    const raw = (await client.readToEnd(topic)).map((record) => record.value?.toString() ?? null);
    expect(raw.slice(3)).to.deep.equal(['{"cursor":"3"}', null]);
  });

  it('makes a topic for marks kept a limited time compacted and deleted after the retention', async () => {
    const topic = uniqueName('it.state.marks');
    await CompactedTopicStore.open(client, producer, topic, { retentionMs: 604_800_000 });

    const kafka = new Kafka({ brokers: infrastructure().kafka.brokers, logLevel: 0 });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
      });
      const configs = Object.fromEntries(described.resources[0]!.configEntries.map((entry) => [entry.configName, entry.configValue]));
      expect(configs).to.deep.equal({ 'cleanup.policy': 'compact,delete', 'retention.ms': '604800000' });
      expect(await admin.fetchTopicOffsets(topic)).to.have.length(1);
    } finally {
      await admin.disconnect();
    }
  });
});
