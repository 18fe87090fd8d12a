import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type KafkaMessage, type LogEntry, type Consumer } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import { murmur2Partitioner } from './murmur2-partitioner.js';
import { singleMemberAssigner } from './single-member-assigner.js';
import { sizeBoundedChunks } from './size-bounded-chunks.js';
import { withMetadataRetry } from './metadata-retry.js';
import { HubError } from '../../core/hub-error.js';
import { ExistingTopics } from './existing-topics.js';
import { TopicNotFoundError } from './topic-not-found-error.js';
import type {
  BatchHandler,
  ConsumerOptions,
  HubAdmin,
  HubConsumer,
  HubProducer,
  IncomingRecord,
  KafkaClient,
  OffsetRange,
  OutgoingRecord,
  ProducedPosition,
  RecordHeaders,
  TopicScanner,
  TopicSpec,
} from './kafka-client.js';

export interface KafkajsClientOptions {
  brokers: string[];
  clientId?: string;
  logger?: Logger;
  /** Bounded retries of one request before it fails; the runtime's own retry policy sits above. */
  requestRetries?: number;
  /** Group members unheard for this long lose their partitions (kafkajs's default 30 s). */
  sessionTimeoutMs?: number;
}

/** KafkaClient on kafkajs. The only file that imports kafkajs outside the infrastructure probes. */
export class KafkajsClient implements KafkaClient, TopicScanner {
  private readonly kafka: Kafka;

  /** Shared by this client's producers: each topic is looked up once. */
  private readonly existingTopics = new ExistingTopics(async () => {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  });

  constructor(private readonly options: KafkajsClientOptions) {
    const logger = options.logger;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'crm-hub',
      brokers: options.brokers,
      connectionTimeout: 3000,
      retry: { retries: options.requestRetries ?? 8, initialRetryTime: 300, maxRetryTime: 10_000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        if (!logger) return;
        const { message, ...rest } = entry.log;
        const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
        logger.log(level, message, { component: 'kafkajs', namespace: entry.namespace, ...rest });
      },
    });
  }

  /** The session timeout and a heartbeat a third of it (at most kafkajs's 3 s), so that a missed beat or two is not a failover. */
  private sessionSettings(): { sessionTimeout?: number; heartbeatInterval?: number } {
    const timeout = this.options.sessionTimeoutMs;
    return timeout === undefined ? {} : { sessionTimeout: timeout, heartbeatInterval: Math.min(3000, Math.floor(timeout / 3)) };
  }

  get brokers(): string[] {
    return this.options.brokers;
  }

  async producer(): Promise<HubProducer> {
    // The Java client's murmur2 partitioning: a key lands on the same partition whoever produces it.
    // Never a topic made by writing to it: every topic the hub writes is created, with its settings, before (see ExistingTopics).
    const producer = this.kafka.producer({ createPartitioner: murmur2Partitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const existing = this.existingTopics;
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
      // A throwaway group that never commits: reading a compacted topic must not move anyone's offsets.
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

  /**
   * Hands each record of `topic` to `visit` in partition order, from its start or from its end at
   * the time of joining, until `signal` aborts; a throwaway group that never commits and is deleted
   * after, so that watching a topic moves nobody's offsets and leaves no group behind. Rejects
   * when the topic does not exist or the consumer crashes (a throwing `visit` among others).
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
    // A throwaway group that never commits, as in readToEnd; every partition is started by a seek.
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

  async consumer(options: ConsumerOptions): Promise<HubConsumer> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      ...this.sessionSettings(),
      // Whoever consumes a topic has created it first (a flow its inputs, a sink connector its topics).
      allowAutoTopicCreation: false,
      // A stopping consumer waits for its fetch in flight: a short long-poll keeps shutdown quick.
      maxWaitTimeInMs: 1000,
      // The hub decides about failures itself: a throwing handler must not be replayed silently.
      retry: { retries: 8, restartOnFailure: async () => false },
      ...(options.exclusive ? { partitionAssigners: [singleMemberAssigner()] } : {}),
    });
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
    return new KafkajsConsumer(consumer, options);
  }

  async admin(): Promise<HubAdmin> {
    const admin = this.kafka.admin();
    await admin.connect();
    return {
      async ensureTopics(topics: TopicSpec[]): Promise<void> {
        for (let attempt = 1; ; attempt++) {
          const existing = new Set(await admin.listTopics());
          const missing = topics.filter((spec) => !existing.has(spec.topic));
          if (missing.length === 0) return;
          try {
            await admin.createTopics({
              waitForLeaders: true,
              topics: missing.map((spec) => ({
                topic: spec.topic,
                numPartitions: spec.partitions ?? -1,
                replicationFactor: -1,
                configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
              })),
            });
            return;
          } catch (error) {
            // A KRaft broker answers metadata for a topic it just created a moment later; kafkajs, waiting
            // for the leaders, takes UNKNOWN_TOPIC_OR_PARTITION for a failure. The topics exist: look again.
            if ((error as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= 20) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          }
        }
      },
      listTopics: () => admin.listTopics(),
      async topicOffsets(topic: string) {
        const offsets = await withMetadataRetry(() => admin.fetchTopicOffsets(topic));
        return offsets
          .map((entry) => ({ partition: entry.partition, low: entry.low, high: entry.high }))
          .sort((a, b) => a.partition - b.partition);
      },
      deleteTopics: async (topics: string[]) => {
        await admin.deleteTopics({ topics });
        for (const topic of topics) this.existingTopics.note(topic, false);
      },
      async groupOffsets(groupId: string, topic: string) {
        const [entry] = await withMetadataRetry(() => admin.fetchOffsets({ groupId, topics: [topic] }));
        return (entry?.partitions ?? [])
          .map((p) => ({ partition: p.partition, offset: p.offset }))
          .sort((a, b) => a.partition - b.partition);
      },
      async activeGroups() {
        const { groups } = await admin.listGroups();
        if (groups.length === 0) return [];
        const described = await admin.describeGroups(groups.map((group) => group.groupId));
        return described.groups.filter((group) => group.members.length > 0).map((group) => group.groupId);
      },
      disconnect: () => admin.disconnect(),
    };
  }
}

class KafkajsConsumer implements HubConsumer {
  readonly crashed: Promise<never>;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumerOptions,
  ) {
    this.crashed = new Promise<never>((_, reject) => {
      consumer.on(consumer.events.CRASH, (event) => {
        const error = event.payload.error;
        const hubError = findHubError(error);
        reject(
          hubError ??
            new HubError('CONSUMER_CRASHED', `consumer group ${options.groupId} stopped: ${error.message}`, {
              retriable: true,
              cause: error,
            }),
        );
      });
    });
    // Whoever awaits `crashed` handles it; an unobserved crash must not kill the process.
    this.crashed.catch(() => undefined);
  }

  async run(handler: BatchHandler): Promise<void> {
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0 || isStale()) return;
        const records = batch.messages.map((message) => toIncoming(batch.topic, batch.partition, message));
        // kafkajs heartbeats only between batches: a batch handled for longer than the session
        // timeout (a slow sink, retries) got the member evicted, its commit refused and the batch
        // redelivered, again and again. Heartbeat while it is handled (sent when due, at most every
        // heartbeat interval); a failed one is noticed by the heartbeat after the batch.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), 1000);
        try {
          await handler(
            { topic: batch.topic, partition: batch.partition, records },
            { heartbeat, isRunning: () => isRunning() && !isStale() },
          );
        } finally {
          clearInterval(beating);
        }
        const last = records[records.length - 1]!.offset;
        resolveOffset(last);
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      },
    });
  }

  onGroupJoin(listener: () => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => listener());
  }

  pause(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  resume(): void {
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: headersToStrings(message.headers),
    timestamp: message.timestamp,
  };
}

/** kafkajs wraps what a handler threw in its own errors; the hub's typed error is in the cause chain. */
/** kafkajs's "this server does not host this topic-partition", also as the cause of its "retries exceeded". */
function isUnknownTopicError(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth++) {
    const candidate = current as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (candidate.type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    current = candidate.originalError ?? candidate.cause;
  }
  return false;
}

function findHubError(error: unknown): HubError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current instanceof HubError) return current;
  }
  return undefined;
}

function headersToStrings(headers: IHeaders | undefined): RecordHeaders {
  const result: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) result[name] = first.toString();
  }
  return result;
}
