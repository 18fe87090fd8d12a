import type { Kafka } from 'kafkajs';
import type { ExistingTopics } from './existing-topics.js';
import type { HubProducer, OutgoingRecord, ProducedPosition } from './kafka-client.js';
import { murmur2Partitioner } from './murmur2-partitioner.js';
import { sizeBoundedChunks } from './size-bounded-chunks.js';
import { TopicNotFoundError } from './topic-not-found-error.js';

/** A connected HubProducer on kafkajs that writes only topics `existing` knows of. */
export async function connectKafkajsProducer(kafka: Kafka, existing: ExistingTopics): Promise<HubProducer> {
  // The Java client's murmur2 partitioning: a key lands on the same partition whoever produces it.
  // Never a topic made by writing to it: every topic the hub writes is created, with its settings, before (see ExistingTopics).
  const producer = kafka.producer({ createPartitioner: murmur2Partitioner, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async send(topic: string, records: OutgoingRecord[]): Promise<ProducedPosition[]> {
      if (records.length === 0) return [];
      if (!(await existing.has(topic))) throw new TopicNotFoundError(topic);
      const positions: ProducedPosition[] = [];
      // One request after the other: a key's records stay in order across requests.
      for (const chunk of sizeBoundedChunks(records)) {
        let metadata;
        try {
          metadata = await producer.send({
            topic,
            acks: -1,
            messages: chunk.map((record) => ({
              key: record.key,
              value: record.value,
              headers: record.headers,
              partition: record.partition,
            })),
          });
        } catch (error) {
          // Deleted since it was seen: the client gave up asking for it.
          if (isUnknownTopicError(error) && !(await existing.has(topic).catch(() => true)))
            throw new TopicNotFoundError(topic, { cause: error });
          throw error;
        }
        positions.push(
          ...metadata.map((entry) => ({ topic: entry.topicName, partition: entry.partition, offset: entry.baseOffset ?? '-1' })),
        );
      }
      return positions;
    },
    disconnect: () => producer.disconnect(),
  };
}

/** kafkajs's "this server does not host this topic-partition", also as the cause of its "retries exceeded". */
function isUnknownTopicError(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const candidate = current as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (candidate.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    current = candidate.originalError ?? candidate.cause;
  }
  return false;
}
