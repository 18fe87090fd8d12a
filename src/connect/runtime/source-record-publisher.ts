import { AvroSerde } from '../../platform/avro/avro-serde.js';
import { valueSubject } from '../../platform/avro/canonical-schema-registration.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { businessKeyOf } from '../../platform/avro/topic-info.js';
import type { SourceRecord } from '../sdk/connector-definition.js';
import { HubError } from '../../core/hub-error.js';
import type { HubProducer, OutgoingRecord } from '../../platform/kafka/kafka-client.js';
import { NO_METRICS, type ComponentMetrics } from '../../platform/observability/metrics/component-metrics.js';
import { eventOccurredAt } from '../../platform/observability/metrics/event-age.js';
import { DeadLetterPublisher, type DeadLetter } from './dead-letter-publisher.js';
import { withTracingHeaders } from '../../platform/headers/record-headers.js';

export interface EncodedRecords {
  byTopic: Map<string, OutgoingRecord[]>;
  count: number;
  /** Records that cannot be written: their value (as JSON bytes) and why. */
  rejected: DeadLetter[];
  /** When the events of the encoded records happened (of those that say), for the end-to-end latency once produced. */
  occurredAt?: number[];
}

/**
 * Turns what a source connector emitted into Avro records on canonical topics (JSON text on a topic
 * topics.json declares `"format": "json"`). Connectors never
 * see Avro or Kafka: the schema comes from the topic, the key must be the business key, and the
 * tracing headers are filled in here.
 */
export class SourceRecordPublisher {
  constructor(
    private readonly producer: HubProducer,
    private readonly serde: AvroSerde,
    private readonly catalog: SchemaCatalog,
    private readonly sourceSystem: string,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: ComponentMetrics = NO_METRICS,
  ) {}

  /** Encodes every record; a record that does not fit its schema is set aside, the rest are kept in order. */
  async encode(records: SourceRecord[]): Promise<EncodedRecords> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    const rejected: DeadLetter[] = [];
    const occurredAt: number[] = [];
    let count = 0;
    for (const record of records) {
      const headers = withTracingHeaders(record.value, record.headers, this.sourceSystem);
      if (record.rejected) {
        rejected.push({
          key: record.key,
          value: Buffer.from(JSON.stringify(record.value)),
          headers: { ...headers, 'content-type': 'application/json' },
          error: record.rejected,
          attempts: 1,
          originalTopic: record.topic,
        });
        continue;
      }
      try {
        const info = this.catalog.topicInfo(record.topic);
        const expectedKey = businessKeyOf(info, record.value);
        if (record.key !== expectedKey)
          throw new HubError(
            'BUSINESS_KEY_MISMATCH',
            `record key ${JSON.stringify(record.key)} is not the business key ${JSON.stringify(expectedKey)} (${info.key}) of its value`,
          );
        const json = info.format === 'json';
        const value = json
          ? this.catalog.jsonCodec(info.record).encode(record.value)
          : await this.serde.encode(valueSubject(record.topic), this.catalog.registrySchema(info.record), record.value);
        const list = byTopic.get(record.topic) ?? [];
        list.push({ key: record.key, value, headers: json ? { ...headers, 'content-type': 'application/json' } : headers });
        byTopic.set(record.topic, list);
        count++;
        const at = eventOccurredAt(record.value);
        if (at !== undefined) occurredAt.push(at);
      } catch (error) {
        if (error instanceof HubError && error.retriable) throw error;
        rejected.push({
          key: record.key,
          value: Buffer.from(JSON.stringify(record.value)),
          headers: { ...headers, 'content-type': 'application/json' },
          error,
          attempts: 1,
          originalTopic: record.topic,
        });
      }
    }
    return { byTopic, count, rejected, occurredAt };
  }

  /** Produces encoded records and waits for the broker's acknowledgement of every one. */
  async produce(encoded: EncodedRecords): Promise<void> {
    for (const [topic, records] of encoded.byTopic) await this.producer.send(topic, records);
    const acknowledgedAt = Date.now();
    for (const at of encoded.occurredAt ?? []) this.metrics.acknowledged(at, acknowledgedAt);
  }

  /** Encode, dead-letter what cannot be written, produce the rest: what a polling source does with each batch. */
  async publish(records: SourceRecord[]): Promise<{ produced: number; deadLettered: number }> {
    const encoded = await this.encode(records);
    await this.deadLetters.publish(encoded.rejected);
    for (const letter of encoded.rejected) this.metrics.error(letter.error);
    await this.produce(encoded);
    return { produced: encoded.count, deadLettered: encoded.rejected.length };
  }
}
