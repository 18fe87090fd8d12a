/**
 * The hub's own small view of a Kafka client. Everything above src/kafka depends on these
 * interfaces only, so the client library (kafkajs today) can be swapped without touching the
 * runtime, flows or connectors.
 */

export type RecordHeaders = Record<string, string>;

export interface OutgoingRecord {
  key: string | Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaders;
  partition?: number;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  /** Milliseconds since the epoch, as a string (Kafka's record timestamp). */
  timestamp: string;
}

/** The partitions a consumer holds, by topic. */
export type PartitionAssignment = Record<string, number[]>;

export interface RecordBatch {
  topic: string;
  partition: number;
  records: IncomingRecord[];
}

export interface ProducedPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface HubProducer {
  /** Resolves once the broker acknowledged every record (acks=all). */
  send(topic: string, records: OutgoingRecord[]): Promise<ProducedPosition[]>;
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** How many partitions are handled at the same time; order is always kept within a partition. */
  partitionsConsumedConcurrently?: number;
  /**
   * One member of the group holds every partition, the others stand by and take over when it
   * leaves: for processors whose state spans keys and so cannot be split by partition.
   */
  exclusive?: boolean;
}

/**
 * At least once: the batch's offsets are committed only after the handler resolved. A handler
 * that throws stops the consumer with that error, so no offset past the failure is committed.
 */
export type BatchHandler = (batch: RecordBatch, control: { heartbeat(): Promise<void>; isRunning(): boolean }) => Promise<void>;

export interface HubConsumer {
  run(handler: BatchHandler): Promise<void>;
  /** Stops fetching (the group membership stays); in-flight batches finish. */
  pause(): void;
  resume(): void;
  /**
   * Called each time the consumer (re)joins its group, with the partitions it now holds, before
   * batches of the new assignment arrive: a processor that took partitions over from another
   * process reloads the state it left, and drops the state of partitions no longer in the list
   * (Kafka tells of no revocation apart: what a join leaves out was revoked).
   */
  onGroupJoin(listener: (assignment: PartitionAssignment) => void): void;
  /** Rejects when the consumer crashed for good (the handler threw, or the group could not be rejoined). */
  readonly crashed: Promise<never>;
  stop(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Kafka topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  config?: Record<string, string>;
}

export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/** Offsets `from` (inclusive) to `to` (exclusive) of one partition. */
export interface OffsetRange {
  topic: string;
  partition: number;
  from: string;
  to: string;
}

export interface HubAdmin {
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  listTopics(): Promise<string[]>;
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  deleteTopics(topics: string[]): Promise<void>;
  /** Committed offsets of a group on a topic: -1 where nothing was committed. */
  groupOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]>;
  /** Consumer groups that have members now; optional, as not every client can tell. */
  activeGroups?(): Promise<string[]>;
  disconnect(): Promise<void>;
}

export interface KafkaClient {
  readonly brokers: string[];
  producer(): Promise<HubProducer>;
  /** Every record of the topic from its start to its current end, without committing anything. */
  readToEnd(topic: string): Promise<IncomingRecord[]>;
  /**
   * Every record of those partitions of the topic, from their start to their current end, handed to
   * `visit` batch by batch in offset order per partition (never all at once: a restore of millions of
   * records holds one batch), without committing anything.
   */
  readPartitionsToEnd(topic: string, partitions: readonly number[], visit: (records: IncomingRecord[]) => void): Promise<void>;
  consumer(options: ConsumerOptions): Promise<HubConsumer>;
  admin(): Promise<HubAdmin>;
}

/**
 * Reading what topics hold since a time, without a consumer group's offsets: what a trace needs
 * besides KafkaClient. Kept apart so that in-memory clients of tests need not offer it.
 */
export interface TopicScanner {
  /** Per partition of each topic: from the first offset whose record is at or after `timestamp` (ms) to the current end. */
  rangesSince(topics: string[], timestamp: number): Promise<OffsetRange[]>;
  /**
   * Hands the records of each range to `visit`, batch by batch, without committing anything; resolves
   * once every range was read, or early when `signal` aborts, with the ranges not read to their end.
   */
  scanRanges(ranges: OffsetRange[], visit: (records: IncomingRecord[]) => void, signal?: AbortSignal): Promise<OffsetRange[]>;
}
