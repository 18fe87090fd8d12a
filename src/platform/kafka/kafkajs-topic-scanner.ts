import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { IncomingRecord, OffsetRange, TopicScanner } from './kafka-client.js';
import { toIncoming } from './kafkajs-records.js';
import { withMetadataRetry } from './metadata-retry.js';

/**
 * Reading topics without anyone's offsets: each read runs in a throwaway consumer group that never
 * commits and is deleted after, so that reading a compacted topic, tailing one or scanning ranges
 * for a trace moves nobody's offsets and leaves no group behind.
 */
export class KafkajsTopicScanner implements TopicScanner {
  constructor(private readonly kafka: Kafka) {}

  /** Every record of the topic from its start to its end at the time of asking. */
  async readToEnd(topic: string): Promise<IncomingRecord[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = new Map(
        (await withMetadataRetry(() => admin.fetchTopicOffsets(topic)))
          .filter((p) => BigInt(p.high) > BigInt(p.low))
          .map((p) => [p.partition, BigInt(p.high)]),
      );
      if (ends.size === 0) return [];
      const groupId = `crm-hub-reader-${randomUUID()}`;
      const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
      await consumer.connect();
      const records: IncomingRecord[] = [];
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
          void consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const message of batch.messages) records.push(toIncoming(batch.topic, batch.partition, message));
              const last = batch.messages.at(-1);
              if (last && BigInt(last.offset) + 1n >= (ends.get(batch.partition) ?? 0n)) ends.delete(batch.partition);
              if (ends.size === 0) resolve();
            },
          });
        });
      } finally {
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
      return records;
    } finally {
      await admin.disconnect();
    }
  }

  /** Every record of those partitions, from their first offset to their end at the time of asking (one scan of their ranges), batch by batch to `visit`. */
  async readPartitionsToEnd(topic: string, partitions: readonly number[], visit: (records: IncomingRecord[]) => void): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let offsets;
    try {
      offsets = await withMetadataRetry(() => admin.fetchTopicOffsets(topic));
    } finally {
      await admin.disconnect();
    }
    const wanted = new Set(partitions);
    const ranges = offsets
      .filter((entry) => wanted.has(entry.partition))
      .map((entry) => ({ topic, partition: entry.partition, from: entry.low, to: entry.high }));
    await this.scanRanges(ranges, visit);
  }

  /**
   * Hands each record of `topic` to `visit` in partition order, from its start or from its end at
   * the time of joining, until `signal` aborts. Rejects when the topic does not exist or the
   * consumer crashes (a throwing `visit` among others).
   */
  async follow(
    topic: string,
    options: { fromBeginning: boolean; signal: AbortSignal },
    visit: (record: IncomingRecord) => Promise<void> | void,
  ): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const groupId = `crm-hub-tail-${randomUUID()}`;
    try {
      const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning });
        await new Promise<void>((resolve, reject) => {
          if (options.signal.aborted) return resolve();
          options.signal.addEventListener('abort', () => resolve(), { once: true });
          consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
          consumer
            .run({
              autoCommit: false,
              eachMessage: async ({ partition, message }) => {
                if (!options.signal.aborted) await visit(toIncoming(topic, partition, message));
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
    } finally {
      await admin.disconnect();
    }
  }

  async rangesSince(topics: string[], timestamp: number): Promise<OffsetRange[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ranges: OffsetRange[] = [];
      // A few topics at a time: hundreds of them must not mean hundreds of requests at once.
      for (let start = 0; start < topics.length; start += 8) {
        const slice = await Promise.all(
          topics.slice(start, start + 8).map(async (topic) => {
            const offsets = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchTopicOffsetsByTimestamp(topic, timestamp)]).catch(
              (error: unknown) => {
                // A topic deleted since it was listed holds nothing to read.
                if ((error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return undefined;
                throw error;
              },
            );
            if (!offsets) return [];
            const [ends, starts] = offsets;
            return ends
              .sort((a, b) => a.partition - b.partition)
              .map((end) => {
                const at = starts.find((entry) => entry.partition === end.partition)?.offset ?? end.low;
                return { topic, partition: end.partition, from: BigInt(at) < BigInt(end.low) ? end.low : at, to: end.high };
              });
          }),
        );
        ranges.push(...slice.flat());
      }
      return ranges;
    } finally {
      await admin.disconnect();
    }
  }

  async scanRanges(ranges: OffsetRange[], visit: (records: IncomingRecord[]) => void, signal?: AbortSignal): Promise<OffsetRange[]> {
    const unread = new Map(
      ranges.filter((range) => BigInt(range.to) > BigInt(range.from)).map((range) => [`${range.partition}@${range.topic}`, range]),
    );
    if (unread.size === 0 || signal?.aborted) return [...unread.values()];
    // Every partition is started by a seek.
    const groupId = `crm-hub-scan-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [...new Set([...unread.values()].map((range) => range.topic))], fromBeginning: false });
      await new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => resolve(), { once: true });
        consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
        // Also emitted for batches that held only compacted-away offsets or control records: the range still moves on.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          const range = unread.get(`${payload.partition}@${payload.topic}`);
          if (range && BigInt(payload.lastOffset) + 1n >= BigInt(range.to)) unread.delete(`${payload.partition}@${payload.topic}`);
          if (unread.size === 0) resolve();
        });
        const running = consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const range = unread.get(`${batch.partition}@${batch.topic}`);
            if (!range) return;
            const [from, to] = [BigInt(range.from), BigInt(range.to)];
            const inRange = batch.messages.filter((message) => BigInt(message.offset) >= from && BigInt(message.offset) < to);
            if (inRange.length > 0) visit(inRange.map((message) => toIncoming(batch.topic, batch.partition, message)));
          },
        });
        // run() creates the group synchronously; the seeks apply at the first fetch of each partition.
        for (const range of unread.values()) consumer.seek({ topic: range.topic, partition: range.partition, offset: range.from });
        running.catch(reject);
      });
    } finally {
      await consumer.disconnect();
      const admin = this.kafka.admin();
      await admin
        .connect()
        .then(() => admin.deleteGroups([groupId]))
        .catch(() => undefined)
        .finally(() => admin.disconnect());
    }
    return [...unread.values()];
  }
}
