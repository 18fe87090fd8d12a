import { HubError } from '../../core/hub-error.js';
import type { HubProducer, KafkaClient } from '../../platform/kafka/kafka-client.js';
import type { ReplayRecord } from './replay-record.js';
import { readLatestByKey } from '../../platform/kafka/latest-by-key.js';

export const REPLAY_JOURNAL_TOPIC = 'crm-hub.dlq-replays';

/**
 * Every replay ever run, on a compacted topic keyed by replay id (the latest record per replay is
 * its last known state), read whole at start. Like CompactedTopicStore, but replays are listed,
 * which that store does not offer.
 */
export class ReplayJournal {
  private readonly records = new Map<string, ReplayRecord>();

  private constructor(
    readonly topic: string,
    private readonly producer: HubProducer,
  ) {}

  static async open(client: KafkaClient, producer: HubProducer, topic: string = REPLAY_JOURNAL_TOPIC): Promise<ReplayJournal> {
    const admin = await client.admin();
    try {
      await admin.ensureTopics([{ topic, partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    } finally {
      await admin.disconnect();
    }
    const journal = new ReplayJournal(topic, producer);
    for (const [id, record] of await readLatestByKey<ReplayRecord>(client, topic)) journal.records.set(id, record);
    return journal;
  }

  get(id: string): ReplayRecord | undefined {
    const record = this.records.get(id);
    return record && structuredClone(record);
  }

  /** Newest first. */
  all(): ReplayRecord[] {
    return [...this.records.values()]
      .map((record) => structuredClone(record))
      .sort((a, b) => (a.when === b.when ? a.id.localeCompare(b.id) : a.when < b.when ? 1 : -1));
  }

  /**
   * Visible here at once (the job's progress is shown while it runs), durable once it resolves.
   * Writes of one replay must be awaited one after the other, so that the last one stays the latest.
   */
  async put(record: ReplayRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record));
    try {
      await this.producer.send(this.topic, [{ key: record.id, value: Buffer.from(JSON.stringify(record)) }]);
    } catch (error) {
      throw new HubError(
        'REPLAY_RECORD_WRITE_FAILED',
        `could not record replay ${record.id} on ${this.topic}: ${error instanceof Error ? error.message : String(error)}`,
        { retriable: true, cause: error },
      );
    }
  }
}
