import type { HubProducer, KafkaClient } from '../kafka/kafka-client.js';
import { HubError } from '../../core/hub-error.js';
import { readLatestByKey } from '../kafka/latest-by-key.js';
import type { StateEntry, StateStore } from './state-store.js';

/**
 * Small durable state kept the way Kafka Connect keeps offsets: a compacted topic whose latest
 * record per key is the value, read whole at start and written through on every change. It lives
 * in the same broker as the data it describes, so no extra database is needed and any hub process
 * can pick the state up.
 */
export class CompactedTopicStore<Value> implements StateStore<Value> {
  private readonly values = new Map<string, Value>();

  private constructor(
    readonly topic: string,
    private readonly producer: HubProducer,
  ) {}

  static async open<Value>(
    client: KafkaClient,
    producer: HubProducer,
    topic: string,
    options: { retentionMs?: number } = {},
  ): Promise<CompactedTopicStore<Value>> {
    const admin = await client.admin();
    try {
      const config: Record<string, string> = { 'cleanup.policy': options.retentionMs ? 'compact,delete' : 'compact' };
      if (options.retentionMs) config['retention.ms'] = String(options.retentionMs);
      await admin.ensureTopics([{ topic, partitions: 1, config }]);
    } finally {
      await admin.disconnect();
    }
    const store = new CompactedTopicStore<Value>(topic, producer);
    for (const [key, value] of await readLatestByKey<Value>(client, topic)) store.values.set(key, value);
    return store;
  }

  get(key: string): Value | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Resolves once the broker acknowledged the write; only then is the value visible here. */
  async put(key: string, value: Value): Promise<void> {
    await this.putAll([{ key, value }]);
  }

  /** Several writes in one request, in order (the last of a key wins); visible here once all are acknowledged. */
  async putAll(entries: readonly StateEntry<Value>[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.producer.send(
        this.topic,
        entries.map(({ key, value }) => ({ key, value: Buffer.from(JSON.stringify(value)) })),
      );
    } catch (error) {
      const what = entries.length === 1 ? entries[0]!.key : `${entries.length} keys`;
      throw new HubError(
        'STATE_WRITE_FAILED',
        `could not store ${what} in ${this.topic}: ${error instanceof Error ? error.message : String(error)}`,
        { retriable: true, cause: error },
      );
    }
    for (const { key, value } of entries) this.values.set(key, value);
  }
}
