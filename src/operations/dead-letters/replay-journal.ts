import { HubError } from '../../core/hub-error.js';
import type { HubProducer, KafkaClient } from '../../platform/kafka/kafka-client.js';
import { CompactedTopicStore } from '../../platform/state/compacted-topic-store.js';
import type { ReplayRecord } from './replay-record.js';

export const REPLAY_JOURNAL_TOPIC = 'crm-hub.dlq-replays';

/**
 * Every replay ever run, on a compacted topic keyed by replay id (the latest record per replay is
 * its last known state), read whole at start: a CompactedTopicStore listed newest first.
 */
export class ReplayJournal {
  /**
   * Writes not acknowledged yet, or refused: a job's progress is shown while it runs, ahead of the
   * store, which shows a write only once it is durable.
   */
  private readonly unacknowledged = new Map<string, ReplayRecord>();

  private constructor(private readonly store: CompactedTopicStore<ReplayRecord>) {}

  static async open(client: KafkaClient, producer: HubProducer, topic: string = REPLAY_JOURNAL_TOPIC): Promise<ReplayJournal> {
    return new ReplayJournal(await CompactedTopicStore.open<ReplayRecord>(client, producer, topic));
  }

  get topic(): string {
    return this.store.topic;
  }

  get(id: string): ReplayRecord | undefined {
    const record = this.unacknowledged.get(id) ?? this.store.get(id);
    return record && structuredClone(record);
  }

  /** Newest first. */
  all(): ReplayRecord[] {
    const records = new Map([...this.store.entries()].map(({ key, value }) => [key, value]));
    for (const [id, record] of this.unacknowledged) records.set(id, record);
    return [...records.values()]
      .map((record) => structuredClone(record))
      .sort((a, b) => (a.when === b.when ? a.id.localeCompare(b.id) : a.when < b.when ? 1 : -1));
  }

  /**
   * Visible here at once (the job's progress is shown while it runs), durable once it resolves.
   * Writes of one replay must be awaited one after the other, so that the last one stays the latest.
   */
  async put(record: ReplayRecord): Promise<void> {
    const copy = structuredClone(record);
    this.unacknowledged.set(record.id, copy);
    try {
      await this.store.put(record.id, copy);
    } catch (error) {
      const cause = error instanceof HubError && error.code === 'STATE_WRITE_FAILED' ? error.cause : error;
      throw new HubError(
        'REPLAY_RECORD_WRITE_FAILED',
        `could not record replay ${record.id} on ${this.topic}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { retriable: true, cause },
      );
    }
    if (this.unacknowledged.get(record.id) === copy) this.unacknowledged.delete(record.id);
  }
}
