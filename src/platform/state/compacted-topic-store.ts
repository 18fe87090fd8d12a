import type { HubProducer, KafkaClient } from '../kafka/kafka-client.js';
import { valueRecords } from './changelog-record-format.js';
import { PartitionedChangelogStore } from './partitioned-changelog-store.js';
import type { StateEntry, StateStore } from './state-store.js';

/**
 * Small durable state kept the way Kafka Connect keeps offsets: a compacted topic whose latest
 * record per key is the value, read whole at start and written through on every change. It lives
 * in the same broker as the data it describes, so no extra database is needed and any hub process
 * can pick the state up.
 *
 * The one-partition use of PartitionedChangelogStore: state of the whole hub rather than of an
 * input's partitions, so partition 0 is always held. Its records hold the value alone as JSON
 * (`valueRecords`), the format these topics had before the changelog store existed.
 */
export class CompactedTopicStore<Value> implements StateStore<Value> {
  private constructor(private readonly changelog: PartitionedChangelogStore<Value>) {}

  /** `retentionMs`: records older than that are deleted too (state only worth keeping that long). */
  static async open<Value>(
    client: KafkaClient,
    producer: HubProducer,
    topic: string,
    options: { retentionMs?: number } = {},
  ): Promise<CompactedTopicStore<Value>> {
    const changelog = await PartitionedChangelogStore.open<Value>(client, producer, {
      topic,
      partitions: 1,
      retentionMs: options.retentionMs,
      format: valueRecords<Value>(),
    });
    await changelog.assign([0]);
    return new CompactedTopicStore(changelog);
  }

  get topic(): string {
    return this.changelog.topic;
  }

  get size(): number {
    return this.changelog.size;
  }

  get(key: string): Value | undefined {
    return this.changelog.get(0, key);
  }

  has(key: string): boolean {
    return this.changelog.get(0, key) !== undefined;
  }

  /** Every key held, with its value. */
  *entries(): IterableIterator<StateEntry<Value>> {
    for (const { key, value } of this.changelog.entries(0)) yield { key, value };
  }

  /** Resolves once the broker acknowledged the write; only then is the value visible here. */
  async put(key: string, value: Value): Promise<void> {
    await this.putAll([{ key, value }]);
  }

  /** Several writes in one request, in order (the last of a key wins); visible here once all are acknowledged. */
  async putAll(entries: readonly StateEntry<Value>[]): Promise<void> {
    await this.changelog.putAll(entries.map(({ key, value }) => ({ partition: 0, key, value })));
  }

  /** Tombstones the key; gone here once acknowledged. */
  async delete(key: string): Promise<void> {
    await this.changelog.delete(0, key);
  }

  /** Reads the topic again, for a process that stood by while another one wrote it. */
  async reload(): Promise<void> {
    await this.changelog.restoreAgain();
  }
}
