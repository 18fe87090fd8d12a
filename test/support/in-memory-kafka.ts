import type {
  BatchHandler,
  HubAdmin,
  HubConsumer,
  HubProducer,
  IncomingRecord,
  KafkaClient,
  OffsetRange,
  OutgoingRecord,
  PartitionAssignment,
  RecordHeaders,
  TopicScanner,
} from '../../src/platform/kafka/kafka-client.js';
import { HubError } from '../../src/core/hub-error.js';

/**
 * Topics held in memory behind the hub's KafkaClient interface: produced records get offsets and
 * timestamps (from `clock`), admin answers offsets as a broker would, scans read ranges, and a
 * consumer hands the test its batch handler to call. Enough to run trace finding, the dead-letter
 * office and the flow and sink runners without a broker. `refuse` makes sends to a topic fail as a
 * broker that is away would; `onSend` lets a test act on what was just sent (as a consumer would).
 */
export class InMemoryKafka implements KafkaClient, TopicScanner {
  readonly brokers = ['in-memory:9092'];
  readonly topics = new Map<string, IncomingRecord[][]>();
  /** The handlers consumers were run with, by group id. */
  readonly handlers = new Map<string, BatchHandler>();
  readonly scans: OffsetRange[][] = [];
  readonly refuse = new Set<string>();
  onSend: ((topic: string, records: OutgoingRecord[]) => Promise<void>) | undefined;
  /** Topic configs as ensureTopics was given them when it created the topic. */
  readonly configs = new Map<string, Record<string, string>>();
  /** Consumers' group-join listeners, by group id: `joinGroup` calls them as a rebalance would. */
  private readonly joinListeners = new Map<string, ((assignment: PartitionAssignment) => void)[]>();
  /** How many times a topic was read to its end. */
  reads = 0;
  clock = () => Date.now();

  constructor(private readonly partitions = 1) {}

  append(
    topic: string,
    record: { key: string | null; value: Buffer | null; headers?: RecordHeaders; partition?: number; timestamp?: number },
  ): IncomingRecord {
    const partitions = this.partitionsOf(topic);
    const partition = record.partition ?? 0;
    const log = partitions[partition]!;
    const incoming: IncomingRecord = {
      topic,
      partition,
      offset: String(log.length),
      key: record.key === null ? null : Buffer.from(record.key),
      value: record.value,
      headers: { ...record.headers },
      timestamp: String(record.timestamp ?? this.clock()),
    };
    log.push(incoming);
    return incoming;
  }

  records(topic: string): IncomingRecord[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  async producer(): Promise<HubProducer> {
    return {
      send: async (topic: string, records: OutgoingRecord[]) => {
        if (this.refuse.has(topic)) throw new HubError('BROKER_REFUSED', `the broker refused records for ${topic}`, { retriable: true });
        const positions = records.map((record) => {
          const appended = this.append(topic, {
            key: record.key === null ? null : record.key.toString(),
            value: record.value,
            headers: record.headers,
            partition: record.partition,
          });
          return { topic, partition: appended.partition, offset: appended.offset };
        });
        await this.onSend?.(topic, records);
        return positions;
      },
      disconnect: async () => undefined,
    };
  }

  async readToEnd(topic: string): Promise<IncomingRecord[]> {
    this.reads++;
    return this.records(topic);
  }

  async readPartitionsToEnd(topic: string, partitions: readonly number[], visit: (records: IncomingRecord[]) => void): Promise<void> {
    this.reads++;
    for (const partition of partitions) visit([...(this.topics.get(topic)?.[partition] ?? [])]);
  }

  /** What a rebalance does to the consumers of `groupId`: tells them the partitions they now hold. */
  joinGroup(groupId: string, assignment: PartitionAssignment): void {
    for (const listener of this.joinListeners.get(groupId) ?? []) listener(assignment);
  }

  async rangesSince(topics: string[], timestamp: number): Promise<OffsetRange[]> {
    return topics.flatMap((topic) =>
      this.partitionsOf(topic).map((log, partition) => ({
        topic,
        partition,
        from: log.find((record) => Number(record.timestamp) >= timestamp)?.offset ?? String(log.length),
        to: String(log.length),
      })),
    );
  }

  async scanRanges(ranges: OffsetRange[], visit: (records: IncomingRecord[]) => void): Promise<OffsetRange[]> {
    this.scans.push(ranges);
    for (const range of ranges) {
      const log = this.topics.get(range.topic)?.[range.partition] ?? [];
      const records = log.filter((record) => BigInt(record.offset) >= BigInt(range.from) && BigInt(record.offset) < BigInt(range.to));
      if (records.length > 0) visit(records);
    }
    return [];
  }

  async consumer(options: { groupId: string }): Promise<HubConsumer> {
    return {
      run: async (handler: BatchHandler) => {
        this.handlers.set(options.groupId, handler);
      },
      pause: () => undefined,
      resume: () => undefined,
      onGroupJoin: (listener) => {
        this.joinListeners.set(options.groupId, [...(this.joinListeners.get(options.groupId) ?? []), listener]);
      },
      crashed: new Promise<never>(() => undefined),
      stop: async () => undefined,
    };
  }

  async admin(): Promise<HubAdmin> {
    return {
      ensureTopics: async (specs) => {
        for (const spec of specs) {
          if (!this.topics.has(spec.topic)) this.configs.set(spec.topic, { ...spec.config });
          this.partitionsOf(spec.topic, spec.partitions);
        }
      },
      listTopics: async () => [...this.topics.keys()],
      topicOffsets: async (topic) => this.partitionsOf(topic).map((log, partition) => ({ partition, low: '0', high: String(log.length) })),
      deleteTopics: async (topics) => {
        for (const topic of topics) this.topics.delete(topic);
      },
      groupOffsets: async () => [],
      disconnect: async () => undefined,
    };
  }

  /** A topic's partitions, made when missing: `count` of them (a broker's default: the client's). */
  private partitionsOf(topic: string, count = this.partitions): IncomingRecord[][] {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      partitions = Array.from({ length: count }, () => []);
      this.topics.set(topic, partitions);
    }
    return partitions;
  }
}
