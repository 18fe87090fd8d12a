import { randomUUID } from 'node:crypto';
import type { AvroSerde } from '../avro/avro-serde.js';
import type { HubConsumer, KafkaClient } from '../kafka/kafka-client.js';
import type { Logger } from '../observability/logger.js';
import type { LookupTable } from './flow-step.js';

/**
 * A table of the latest value per key of a (compacted) topic, kept in memory and followed live:
 * what `enrich` joins against. Each hub process keeps its own copy, read from the start under a
 * throwaway group that never commits; `ready` resolves once the copy has caught up with what the
 * topic held when it started, so no flow joins against a half-read table.
 */
export class TopicTable implements LookupTable {
  private readonly rows = new Map<string, Record<string, unknown>>();
  private consumer: HubConsumer | undefined;
  private readonly listeners: ((key: string, value: Record<string, unknown> | undefined, previous: Record<string, unknown> | undefined) => void)[] = [];
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly topic: string,
    private readonly client: KafkaClient,
    private readonly serde: AvroSerde,
    private readonly logger: Logger,
  ) {}

  get(key: string): Record<string, unknown> | undefined {
    return this.rows.get(key);
  }

  get size(): number {
    return this.rows.size;
  }

  values(): IterableIterator<Record<string, unknown>> {
    return this.rows.values();
  }

  /** Told of every row that changes (value undefined: deleted), for indexes kept beside the table. */
  onChange(listener: (key: string, value: Record<string, unknown> | undefined, previous: Record<string, unknown> | undefined) => void): void {
    this.listeners.push(listener);
  }

  private set(key: string, value: Record<string, unknown> | undefined): void {
    const previous = this.rows.get(key);
    if (value === undefined) this.rows.delete(key);
    else this.rows.set(key, value);
    for (const listener of this.listeners) listener(key, value, previous);
  }

  async start(): Promise<void> {
    const admin = await this.client.admin();
    await admin.ensureTopics([{ topic: this.topic }]);
    const ends = new Map((await admin.topicOffsets(this.topic)).filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
    await admin.disconnect();
    let caughtUp!: () => void;
    this.ready = ends.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (caughtUp = resolve));
    this.consumer = await this.client.consumer({ groupId: `crm-hub.table.${this.topic}.${randomUUID()}`, topics: [this.topic], fromBeginning: true, partitionsConsumedConcurrently: 3 });
    await this.consumer.run(async (batch) => {
      for (const record of batch.records) {
        const key = record.key?.toString();
        if (key === undefined) continue;
        if (record.value === null) {
          this.set(key, undefined);
          continue;
        }
        try {
          this.set(key, (await this.serde.decode(record.value, record)).value as Record<string, unknown>);
        } catch (error) {
          // A record the table cannot read is skipped, not fatal: the flow's own input is what must not be lost.
          this.logger.warn(`table ${this.topic}: skipping ${record.partition}@${record.offset}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const last = batch.records.at(-1);
      if (last && ends.has(batch.partition) && BigInt(last.offset) + 1n >= ends.get(batch.partition)!) {
        ends.delete(batch.partition);
        if (ends.size === 0) caughtUp();
      }
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
