import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { describeError } from '../../core/hub-error.js';
import type { IncomingRecord } from '../../platform/kafka/kafka-client.js';
import { maskPersonalPatterns, maskRecord } from '../../platform/observability/pii-masking.js';
import { DEAD_LETTER_HEADER } from '../../platform/headers/dead-letter-headers.js';

export interface ShownValue {
  schemaName?: string;
  value?: unknown;
  valueError?: string;
}

/**
 * A found record's value as a trace shows it: Avro decoded (or the JSON a source's rejected record
 * was kept as), with the fields its schema marks pii masked. A value whose schema the catalog does
 * not know is not shown at all, since nothing would say which of its fields are personal.
 */
export class TraceValueReader {
  constructor(
    private readonly serde: AvroSerde,
    private readonly schemas: SchemaCatalog,
  ) {}

  async read(record: IncomingRecord): Promise<ShownValue> {
    if (record.value === null) return { value: null };
    try {
      if (record.headers['content-type'] === 'application/json') return this.json(record);
      const decoded = await this.serde.decode(record.value, { topic: record.topic, partition: record.partition, offset: record.offset });
      return this.masked(decoded.schemaName, decoded.value);
    } catch (error) {
      return { valueError: `not decoded: ${maskPersonalPatterns(describeError(error).message)}` };
    }
  }

  private json(record: IncomingRecord): ShownValue {
    const topic = record.headers[DEAD_LETTER_HEADER.originalTopic] ?? record.topic;
    const info = this.schemas.topics().find((candidate) => candidate.topic === topic);
    if (!info) return { valueError: `not shown: ${topic} is not a canonical topic, so nothing says which fields are personal` };
    return this.masked(info.record, JSON.parse(record.value!.toString('utf8')));
  }

  private masked(schemaName: string, value: unknown): ShownValue {
    if (!this.schemas.has(schemaName))
      return { schemaName, valueError: `not shown: ${schemaName} is not in the schema catalog, so nothing says which fields are personal` };
    return { schemaName, value: maskRecord(value, this.schemas.piiPaths(schemaName)) };
  }
}
