import { expect } from 'chai';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import type { HubConsumer, IncomingRecord, KafkaClient } from '../../../../src/platform/kafka/kafka-client.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

async function produceNumbered(client: KafkaClient, topic: string, count: number, keys = 5): Promise<void> {
  const producer = await client.producer();
  try {
    const records = Array.from({ length: count }, (_, i) => ({
      key: `key-${i % keys}`,
      value: Buffer.from(String(i)),
      headers: { 'correlation-id': `c-${i}` },
    }));
    await producer.send(topic, records);
  } finally {
    await producer.disconnect();
  }
}

/** Consumes until `done` says so, or fails after the timeout with what was seen. */
async function consumeUntil(
  consumer: HubConsumer,
  done: (seen: IncomingRecord[]) => boolean,
  handle?: (record: IncomingRecord) => void,
  timeoutMs = 30_000,
): Promise<IncomingRecord[]> {
  const seen: IncomingRecord[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${seen.length} records`)), timeoutMs);
    consumer.crashed.catch((error) => {
      clearTimeout(timer);
      reject(error);
    });
    void consumer.run(async (batch) => {
      for (const record of batch.records) {
        handle?.(record);
        seen.push(record);
      }
      if (done(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

describe('KafkajsClient on a real broker', () => {
  let client: KafkaClient;

  before(() => {
    client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
  });

  it('creates topics, produces and consumes with keys, headers and per-key order', async () => {
    const topic = uniqueName('it.client');
    const admin = await client.admin();
    await admin.ensureTopics([{ topic, partitions: 3 }]);
    await admin.ensureTopics([{ topic, partitions: 3 }]); // idempotent
    expect(await admin.listTopics()).to.include(topic);
    expect(await admin.topicOffsets(topic)).to.have.length(3);
    await admin.disconnect();

    await produceNumbered(client, topic, 200);
    const consumer = await client.consumer({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true });
    const seen = await consumeUntil(consumer, (records) => records.length >= 200);
    await consumer.stop();

    expect(seen).to.have.length(200);
    const byKey = new Map<string, number[]>();
    for (const record of seen) {
      const key = record.key!.toString();
      byKey.set(key, [...(byKey.get(key) ?? []), Number(record.value!.toString())]);
      expect(record.headers['correlation-id']).to.equal(`c-${record.value!.toString()}`);
    }
    expect(byKey.size).to.equal(5);
    for (const values of byKey.values()) expect(values).to.deep.equal([...values].sort((a, b) => a - b));
  });

  it('commits only what the handler finished: after a handler failure the next consumer gets the failed batch again', async () => {
    const topic = uniqueName('it.commit');
    const groupId = uniqueName('g');
    const admin = await client.admin();
    await admin.ensureTopics([{ topic, partitions: 1 }]);
    await produceNumbered(client, topic, 30, 1);

    // First consumer handles 0-29 (each batch committed once handled), then 30-49 arrive and it fails on 30.
    const first = await client.consumer({ groupId, topics: [topic], fromBeginning: true });
    const handled: number[] = [];
    let sawLast: () => void;
    const handledFirstThirty = new Promise<void>((resolve) => (sawLast = resolve));
    void first.run(async (batch) => {
      for (const record of batch.records) {
        const value = Number(record.value!.toString());
        if (value === 30) throw new HubError('TEST_FAILURE', 'handler failed on 30');
        handled.push(value);
        if (value === 29) sawLast();
      }
    });
    await handledFirstThirty;
    const producer = await client.producer();
    await producer.send(
      topic,
      Array.from({ length: 20 }, (_, i) => ({
        key: 'key-0',
        value: Buffer.from(String(30 + i)),
        headers: { 'correlation-id': `c-${30 + i}` },
      })),
    );
    await producer.disconnect();
    const crash = await first.crashed.catch((error: unknown) => error);
    expect((crash as HubError).code).to.equal('TEST_FAILURE');
    await first.stop();
    expect(handled).to.deep.equal(Array.from({ length: 30 }, (_, i) => i));

    // Everything before the failed record was committed, nothing at or after it.
    const committed = await admin.groupOffsets(groupId, topic);
    expect(committed.map((entry) => Number(entry.offset))).to.deep.equal([30]);

    const second = await client.consumer({ groupId, topics: [topic], fromBeginning: true });
    const seen = await consumeUntil(second, (records) => records.some((r) => r.value!.toString() === '49'));
    await second.stop();
    await admin.disconnect();
    // The next consumer resumes at the failed record: nothing handled is handed out again, nothing is skipped.
    expect(seen.map((r) => Number(r.value!.toString()))).to.deep.equal(Array.from({ length: 20 }, (_, i) => 30 + i));
  });

  it('exclusive: one member of the group holds every partition, the other stands by and takes over when it leaves', async () => {
    const topic = uniqueName('it-exclusive');
    const groupId = uniqueName('it-exclusive-group');
    const admin = await client.admin();
    await admin.ensureTopics([{ topic, partitions: 3 }]).finally(() => admin.disconnect());
    await produceNumbered(client, topic, 30, 9);

    const first = await client.consumer({ groupId, topics: [topic], fromBeginning: true, exclusive: true });
    const byFirst = new Set<number>();
    const firstRun = consumeUntil(
      first,
      () => byFirst.size === 30,
      (record) => byFirst.add(record.partition * 1000 + Number(record.offset)),
    );
    await firstRun;
    // The first member keeps its partitions but reads no more, so what follows waits for whoever holds them.
    first.pause();
    const second = await client.consumer({ groupId, topics: [topic], fromBeginning: true, exclusive: true });
    const joins: number[] = [];
    second.onGroupJoin(() => joins.push(Date.now()));
    const bySecond: IncomingRecord[] = [];
    const secondRun = consumeUntil(
      second,
      (seen) => seen.length >= 12,
      (record) => bySecond.push(record),
      60_000,
    );
    // While the first member is there, the standby gets nothing, even of new records on all partitions.
    await produceNumbered(client, topic, 12, 9);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(bySecond).to.deep.equal([]);
    await first.stop();
    await secondRun;
    await second.stop();
    expect(joins.length).to.be.at.least(1);
    expect(new Set(bySecond.map((record) => record.partition)).size).to.equal(3);
  });
});
