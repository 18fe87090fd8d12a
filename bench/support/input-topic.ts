import { valueSubject } from '../../src/platform/avro/canonical-schema-registration.js';
import type { AvroSerde } from '../../src/platform/avro/avro-serde.js';
import type { HubProducer, KafkaClient } from '../../src/platform/kafka/kafka-client.js';
import { withTracingHeaders } from '../../src/platform/headers/record-headers.js';
import { seedTopic } from './topic-seeder.js';

export interface InputTopicSettings {
  topic: string;
  partitions: number;
  /** The record's registry schema (self-contained JSON text), registered under `<topic>-value`. */
  schema: string;
  /** The JSON form of record `index`. */
  record: (index: number) => Record<string, unknown>;
  /** The record's key field: a key decides the partition, as for the hub's own topics. */
  keyField: string;
  /** The system the records come from, for the tracing headers every record a hub source writes carries. */
  sourceSystem: string;
  /**
   * `avro` (the default): Confluent wire format with tracing headers, as the hub's sources write.
   * `json`: the record as JSON text and no headers, as a system outside the hub would write it (the
   * topic must be declared `"format": "json"` in the catalog the flow runs with).
   */
  format?: 'avro' | 'json';
}

/**
 * A benchmark's input topic: Avro records in the Confluent wire format, registered under the
 * topic's value subject and with the tracing headers, as the hub's sources write them; or JSON
 * records (`format: 'json'`). `append` goes on numbering where the last call stopped, so a warm-up
 * and the measured backlog are different records.
 */
export class InputTopic {
  private next = 0;
  private bytes = 0;

  private constructor(
    private readonly settings: InputTopicSettings,
    private readonly serde: AvroSerde,
    private readonly producer: HubProducer,
  ) {}

  static async create(client: KafkaClient, serde: AvroSerde, settings: InputTopicSettings): Promise<InputTopic> {
    const admin = await client.admin();
    await admin.ensureTopics([{ topic: settings.topic, partitions: settings.partitions }]).finally(() => admin.disconnect());
    return new InputTopic(settings, serde, await client.producer());
  }

  get topic(): string {
    return this.settings.topic;
  }

  get produced(): number {
    return this.next;
  }

  /** Mean size of the encoded values produced so far, in bytes. */
  get averageValueBytes(): number {
    return this.next === 0 ? 0 : Math.round(this.bytes / this.next);
  }

  async append(count: number): Promise<void> {
    const { topic, schema, record, keyField } = this.settings;
    const subject = valueSubject(topic);
    await seedTopic(
      this.producer,
      topic,
      count,
      async (index) => {
        const value = record(index);
        if (this.settings.format === 'json') {
          const bytes = Buffer.from(JSON.stringify(value));
          this.bytes += bytes.length;
          return { key: String(value[keyField]), value: bytes };
        }
        const bytes = await this.serde.encode(subject, schema, value);
        this.bytes += bytes.length;
        return { key: String(value[keyField]), value: bytes, headers: withTracingHeaders(value, undefined, this.settings.sourceSystem) };
      },
      { from: this.next },
    );
    this.next += count;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
