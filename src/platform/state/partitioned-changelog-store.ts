import { HubError } from '../../core/hub-error.js';
import type { HubConsumer, HubProducer, IncomingRecord, KafkaClient, OutgoingRecord } from '../kafka/kafka-client.js';
import { foldLatest } from '../kafka/latest-by-key.js';
import { entryRecords, type ChangelogEntry, type ChangelogRecordFormat } from './changelog-record-format.js';
import type { StateEntry, StateStore } from './state-store.js';
import type { PartitionChange, PartitionedChange, PartitionedEntry, PartitionedState } from './partitioned-state.js';

/** The changelog topic of the partitioned state kept for `owner` (a flow, a processor). */
export function changelogTopicName(owner: string): string {
  return `crm-hub.changelog.${owner}`;
}

/** One write of partitioned state: to the partition of the input record it came from. */
export interface PartitionedWrite<Value> {
  partition: number;
  key: string;
  value: Value;
  /** When the key stops holding (ms since the epoch): `expire` tombstones it from then on. */
  expiresAt?: number;
}

/**
 * Where a changelog lives and how it is kept. Its partitions are those of `inputTopic` (state kept
 * per input partition) or a fixed count (state of one process at a time: 1). `retentionMs` also
 * deletes records older than that (`compact,delete`), for state only worth keeping that long.
 * `format` is how records hold entries: `entryRecords` unless the topic predates it.
 */
export type ChangelogOptions<Value> = ({ topic: string; inputTopic: string } | { topic: string; partitions: number }) & {
  retentionMs?: number;
  format?: ChangelogRecordFormat<Value>;
};

/** The keys of one partition this process holds; a partition taken away keeps its object, so a restore still running writes into nothing anyone reads. */
interface OwnedPartition<Value> {
  readonly entries: Map<string, ChangelogEntry<Value>>;
  readonly restored: Promise<void>;
  /** Could not be read back: `restored` rejects with why, and the next assignment reads it again. */
  failed?: boolean;
}

/**
 * State split the way its input is, as Kafka Streams keeps it: a compacted changelog topic with as
 * many partitions as the input, where the state a record leads to is written to the partition
 * number of that record. Whoever holds partition n of the input then holds all the state of
 * partition n, so after a rebalance a process reads back only the changelog partitions it was
 * given (to their end, before their records are handled) and forgets the ones taken from it, and
 * two processes never hold the same key. A key is removed by a tombstone, which compaction turns
 * into the key's absence: that is also how keys expire.
 */
export class PartitionedChangelogStore<Value> implements PartitionedState<Value> {
  private readonly owned = new Map<number, OwnedPartition<Value>>();
  private readonly listeners: ((partition: number, change: PartitionChange) => void)[] = [];

  private constructor(
    private readonly client: KafkaClient,
    private readonly producer: HubProducer,
    readonly topic: string,
    readonly partitions: number,
    private readonly format: ChangelogRecordFormat<Value>,
  ) {}

  /**
   * Opens the changelog (created when missing, compacted, with its partition count). Nothing is
   * read until partitions are assigned.
   */
  static async open<Value>(
    client: KafkaClient,
    producer: HubProducer,
    options: ChangelogOptions<Value>,
  ): Promise<PartitionedChangelogStore<Value>> {
    const admin = await client.admin();
    let partitions: number;
    try {
      partitions = 'inputTopic' in options ? (await admin.topicOffsets(options.inputTopic)).length : options.partitions;
      const config: Record<string, string> = { 'cleanup.policy': options.retentionMs ? 'compact,delete' : 'compact' };
      if (options.retentionMs) config['retention.ms'] = String(options.retentionMs);
      await admin.ensureTopics([{ topic: options.topic, partitions, config }]);
      const changelogPartitions = (await admin.topicOffsets(options.topic)).length;
      // Partition n of the changelog must hold the state of partition n of the input, or state ends up with another process;
      // a fixed count is what every key's partition was chosen by, so keys written to others would never be read.
      if (changelogPartitions !== partitions)
        throw new HubError(
          'STATE_PARTITIONS_MISMATCH',
          'inputTopic' in options
            ? `state changelog ${options.topic} has ${changelogPartitions} partitions, its input ${options.inputTopic} ${partitions}: they must be equal`
            : `state topic ${options.topic} has ${changelogPartitions} partitions where ${partitions} are expected`,
        );
    } finally {
      await admin.disconnect();
    }
    return new PartitionedChangelogStore<Value>(client, producer, options.topic, partitions, options.format ?? entryRecords<Value>());
  }

  /**
   * Keeps the store's partitions those `consumer` holds of `inputTopic`: on every group join the
   * newly assigned are restored and the revoked dropped. Handle no batch of a partition before
   * `restored(partition)` resolved.
   */
  follow(consumer: HubConsumer, inputTopic: string): void {
    consumer.onGroupJoin((assignment) => void this.assign(assignment[inputTopic] ?? []).catch(() => undefined));
  }

  /** Told when a partition's state was read back or dropped: for indexes kept beside the store. */
  onPartitionChange(listener: (partition: number, change: PartitionChange) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Makes `partitions` the ones held: those not held before are read back from the changelog, those
   * held before and not now are forgotten. Resolves once every newly held partition is restored;
   * rejects with the first that could not be read (its `restored` rejects too; assigning it again reads it again).
   */
  async assign(partitions: readonly number[]): Promise<void> {
    const wanted = new Set(partitions);
    for (const partition of wanted) {
      if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions)
        throw new HubError('STATE_PARTITION_UNKNOWN', `state changelog ${this.topic} has no partition ${partition}`);
    }
    for (const partition of [...this.owned.keys()]) {
      if (wanted.has(partition)) continue;
      this.owned.delete(partition);
      this.tell(partition, 'dropped');
    }
    const fresh = [...wanted].filter((partition) => !this.owned.has(partition) || this.owned.get(partition)!.failed);
    if (fresh.length === 0) return;
    // One read for all of them (on a broker each read is a consumer group joined and left), folded
    // batch by batch into each partition's keys: a restore never holds more than one batch of records.
    const targets = new Map<number, Map<string, ChangelogEntry<Value>>>();
    for (const partition of fresh) targets.set(partition, new Map());
    const decode = (record: IncomingRecord & { value: Buffer }): ChangelogEntry<Value> | undefined => {
      try {
        return this.format.decode(record.value);
      } catch {
        // A record no entry can be made of holds nothing: the key is absent, not the whole partition unreadable forever.
        return undefined;
      }
    };
    const reading = this.read(fresh, (records) => {
      for (const record of records) {
        const entries = targets.get(record.partition);
        if (entries) foldLatest(record, decode, entries);
      }
    });
    reading.catch(() => undefined);
    const restoring: Promise<void>[] = [];
    for (const partition of fresh) {
      const entries = targets.get(partition)!;
      const owned: OwnedPartition<Value> = {
        entries,
        restored: reading.then(
          () => {
            if (this.owned.get(partition) === owned) this.tell(partition, 'restored');
          },
          (error: unknown) => {
            owned.failed = true;
            entries.clear();
            throw error;
          },
        ),
      };
      owned.restored.catch(() => undefined);
      this.owned.set(partition, owned);
      restoring.push(owned.restored);
    }
    await Promise.all(restoring);
  }

  /**
   * Forgets the held partitions and reads them back: for state another process may have written
   * meanwhile (one that held it while this one stood by).
   */
  async restoreAgain(): Promise<void> {
    const held = this.assigned;
    await this.assign([]);
    await this.assign(held);
  }

  /** Resolves once `partition` was read back; rejects when it is not held or could not be read. */
  restored(partition: number): Promise<void> {
    return this.partition(partition).restored;
  }

  /** The partitions held now (restored or being restored). */
  get assigned(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** Keys held, over every restored partition. */
  get size(): number {
    let size = 0;
    for (const { entries } of this.owned.values()) size += entries.size;
    return size;
  }

  get(partition: number, key: string): Value | undefined {
    return this.owned.get(partition)?.entries.get(key)?.value;
  }

  expiresAt(partition: number, key: string): number | undefined {
    return this.owned.get(partition)?.entries.get(key)?.expiresAt;
  }

  /** The keys of a held partition with their values and expiry times. */
  *entries(partition: number): IterableIterator<PartitionedEntry<Value>> {
    for (const [key, entry] of this.owned.get(partition)?.entries ?? []) yield { key, ...entry };
  }

  async put(partition: number, key: string, value: Value, expiresAt?: number): Promise<void> {
    await this.putAll([{ partition, key, value, expiresAt }]);
  }

  /** Several writes in one produce request, in order (the last of a key wins); visible here once all are acknowledged. */
  async putAll(writes: readonly PartitionedWrite<Value>[]): Promise<void> {
    await this.write(
      writes.map(({ partition, key, value, expiresAt }) => ({
        partition,
        key,
        entry: expiresAt === undefined ? { value } : { value, expiresAt },
      })),
    );
  }

  async delete(partition: number, key: string): Promise<void> {
    await this.deleteAll([{ partition, key }]);
  }

  /** Tombstones the keys in one produce request. */
  async deleteAll(keys: readonly { partition: number; key: string }[]): Promise<void> {
    await this.write(keys.map(({ partition, key }) => ({ partition, key, entry: null })));
  }

  /**
   * Tombstones, in one request, every key of `partitions` (default: all held) whose expiry time is
   * at or before `now`: on event time a partition's watermark, on wall-clock time the clock's now.
   * Resolves with the keys removed.
   */
  async expire(now: number, partitions: readonly number[] = this.assigned): Promise<{ partition: number; key: string }[]> {
    const expired: { partition: number; key: string }[] = [];
    for (const partition of partitions) {
      for (const [key, entry] of this.owned.get(partition)?.entries ?? []) {
        if (entry.expiresAt !== undefined && entry.expiresAt <= now) expired.push({ partition, key });
      }
    }
    await this.deleteAll(expired);
    return expired;
  }

  /** One partition seen as a StateStore, for code that keeps keyed state of one partition. */
  view(partition: number): StateStore<Value> {
    return {
      get: (key) => this.get(partition, key),
      put: (key, value) => this.put(partition, key, value),
      putAll: (entries: readonly StateEntry<Value>[]) => this.putAll(entries.map(({ key, value }) => ({ partition, key, value }))),
    };
  }

  /** Values and tombstones (null) in one produce request, in order. */
  async writeAll(changes: readonly PartitionedChange<Value>[]): Promise<void> {
    await this.write(
      changes.map(({ partition, key, value, expiresAt, valueJson }) => ({
        partition,
        key,
        entry: value === null ? null : expiresAt === undefined ? { value } : { value, expiresAt },
        valueJson,
      })),
    );
  }

  /** Writes to held partitions only, once restored (a restore would otherwise overwrite newer writes with what it read). */
  private async write(
    changes: readonly { partition: number; key: string; entry: ChangelogEntry<Value> | null; valueJson?: string }[],
  ): Promise<void> {
    if (changes.length === 0) return;
    const targets = new Map<number, OwnedPartition<Value>>();
    for (const { partition } of changes) targets.set(partition, this.partition(partition));
    await Promise.all([...targets.values()].map((owned) => owned.restored));
    // Taken away while restoring: its new holder may have read the changelog already, so a write now would be lost to it.
    for (const [partition, owned] of targets) if (this.owned.get(partition) !== owned) throw this.notHeld(partition);
    const records: OutgoingRecord[] = changes.map(({ partition, key, entry, valueJson }) => ({
      key,
      value: entry === null ? null : this.format.encode(entry, key, valueJson),
      partition,
    }));
    try {
      await this.producer.send(this.topic, records);
    } catch (error) {
      const what = changes.length === 1 ? changes[0]!.key : `${changes.length} keys`;
      throw new HubError(
        'STATE_WRITE_FAILED',
        `could not store ${what} in ${this.topic}: ${error instanceof Error ? error.message : String(error)}`,
        { retriable: true, cause: error },
      );
    }
    for (const { partition, key, entry } of changes) {
      const { entries } = targets.get(partition)!;
      if (entry === null) entries.delete(key);
      else entries.set(key, entry);
    }
  }

  private partition(partition: number): OwnedPartition<Value> {
    const owned = this.owned.get(partition);
    if (!owned) throw this.notHeld(partition);
    return owned;
  }

  private notHeld(partition: number): HubError {
    return new HubError(
      'STATE_PARTITION_NOT_HELD',
      `partition ${partition} of ${this.topic} is not held by this process (moved in a rebalance?)`,
      {
        retriable: true,
      },
    );
  }

  private async read(partitions: readonly number[], visit: (records: IncomingRecord[]) => void): Promise<void> {
    try {
      await this.client.readPartitionsToEnd(this.topic, partitions, visit);
    } catch (error) {
      throw new HubError(
        'STATE_RESTORE_FAILED',
        `could not read partitions ${partitions.join(', ')} of ${this.topic} back: ${error instanceof Error ? error.message : String(error)}`,
        { retriable: true, cause: error },
      );
    }
  }

  private tell(partition: number, change: PartitionChange): void {
    for (const listener of this.listeners) listener(partition, change);
  }
}
