import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import type { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import type { RecordHeaders } from '../../../../src/platform/kafka/kafka-client.js';
import { sampleCustomer, samplePolicy } from '../../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

export const T0 = Date.parse('2026-03-01T08:00:00.000Z');
export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const span = (id: string) => `00-${TRACE}-${id.padStart(16, '0')}-01`;

/**
 * One customer change through the hub, written as the hub writes it: the CRM source record, a
 * flow's output, a dead letter at the ERP sink, plus what a trace must not find (another
 * correlation id, a record from before `since`, internal topics) and one policy of the customer.
 */
export async function traceScenario(schemas: SchemaCatalog): Promise<{ kafka: InMemoryKafka; serde: AvroSerde }> {
  const kafka = new InMemoryKafka(2);
  const serde = new AvroSerde(new InMemorySchemaRegistry());
  const customer = sampleCustomer();
  const avro = (topic: string, name: string, value: unknown) => serde.encode(valueSubject(topic), schemas.registrySchema(name), value);
  const source: RecordHeaders = {
    'correlation-id': 'corr-1',
    'event-id': 'e-1',
    'source-system': 'crm',
    'event-type': 'CustomerUpdated',
    traceparent: span('a1'),
  };

  kafka.append('crm.customer.v1', {
    key: 'C1',
    value: await avro('crm.customer.v1', 'Customer', customer),
    headers: { ...source, 'correlation-id': 'corr-old' },
    timestamp: T0 - 3_600_000,
  });
  kafka.append('crm.customer.v1', {
    key: 'C1',
    value: await avro('crm.customer.v1', 'Customer', customer),
    headers: source,
    timestamp: T0,
    partition: 1,
  });
  kafka.append('crm.customer.v1', {
    key: 'C2',
    value: await avro('crm.customer.v1', 'Customer', customer),
    headers: { ...source, 'correlation-id': 'corr-2' },
    timestamp: T0 + 5,
  });
  kafka.append('vip.customer.v1', {
    key: 'C1',
    value: await avro('vip.customer.v1', 'Customer', customer),
    headers: { ...source, traceparent: span('b2'), 'hub-stage': 'flow:vip' },
    timestamp: T0 + 40,
  });
  kafka.append('dlq.erp-main', {
    key: 'C1',
    value: Buffer.from(JSON.stringify(customer)),
    headers: {
      ...source,
      traceparent: span('b2'),
      'hub-stage': 'flow:vip',
      'content-type': 'application/json',
      'dlq-stage': 'connector:erp-main',
      'dlq-error-code': 'ERP_REJECTED',
      'dlq-error-message': 'ERP said no',
      'dlq-error-retriable': 'false',
      'dlq-attempts': '1',
      'dlq-original-topic': 'crm.customer.v1',
    },
    timestamp: T0 + 90,
  });
  kafka.append('policy.policy.v1', {
    key: 'P-9',
    value: await avro('policy.policy.v1', 'Policy', samplePolicy()),
    headers: { 'correlation-id': 'corr-3', 'source-system': 'policy-admin', 'event-type': 'PolicyIssued', traceparent: span('c3') },
    timestamp: T0 + 200,
  });
  kafka.append('odd.topic', {
    key: 'C1',
    value: Buffer.from([0, 0, 0, 0, 99, 1]),
    headers: { ...source, traceparent: span('d4') },
    timestamp: T0 + 300,
  });
  for (const internal of ['crm-hub.flow-state.vip', '__consumer_offsets', '_schemas', 'crm-hub-schema-registry-journal'])
    kafka.append(internal, { key: 'C1', value: Buffer.from('{}'), headers: source, timestamp: T0 + 1 });
  return { kafka, serde };
}
