import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import { valueSubject } from '../../platform/avro/canonical-schema-registration.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { businessKeyOf } from '../../platform/avro/topic-info.js';
import type { OutgoingRecord } from '../../platform/kafka/kafka-client.js';
import { derivedTracingHeaders, withTracingHeaders } from '../../platform/headers/record-headers.js';

/**
 * Turns a value the customer view derived into a record of a canonical topic: keyed by its
 * business key, Avro in the Confluent wire format, with the tracing headers of the event that
 * caused it, so a golden record can be traced back to the CRM or claims event behind it.
 */
export class CanonicalRecordEncoder {
  constructor(
    private readonly serde: AvroSerde,
    private readonly schemas: SchemaCatalog,
  ) {}

  async encode(topic: string, value: Record<string, unknown>, causeHeaders?: Record<string, string>): Promise<OutgoingRecord> {
    const info = this.schemas.topicInfo(topic);
    const bytes = await this.serde.encode(valueSubject(topic), this.schemas.registrySchema(info.record), value);
    const meta = value.meta as Record<string, unknown> | undefined;
    // The derived record is its own event (own id and type) within the cause's trace.
    const headers = withTracingHeaders(
      value,
      {
        ...causeHeaders,
        ...derivedTracingHeaders(causeHeaders ?? {}, `customer-view:${topic}`),
        'event-id': String(meta?.eventId ?? ''),
        'event-type': String(meta?.eventType ?? ''),
        'source-system': 'crm-hub',
      },
      'crm-hub',
    );
    return { key: businessKeyOf(info, value), value: bytes, headers };
  }
}
