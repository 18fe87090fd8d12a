import { promises as fs } from 'node:fs';
import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import type { HubProducer, OutgoingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { DeadLetterPublisher } from '../../../../src/connect/runtime/dead-letter-publisher.js';
import { SourceRecordPublisher } from '../../../../src/connect/runtime/source-record-publisher.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { schemasWithTopics } from '../../../support/schemas-with-topics.js';

class CollectingProducer implements HubProducer {
  readonly sent = new Map<string, OutgoingRecord[]>();
  async send(topic: string, records: OutgoingRecord[]) {
    this.sent.set(topic, [...(this.sent.get(topic) ?? []), ...records]);
    return [{ topic, partition: 0, offset: '0' }];
  }
  async disconnect(): Promise<void> {}
}

describe('a source writing to a JSON topic', () => {
  let dir: string;
  let catalog: SchemaCatalog;

  before(async () => {
    dir = await schemasWithTopics({ 'legacy.customer.json': { record: 'crmhub.customer.Customer', key: 'customerId', format: 'json' } });
    catalog = await SchemaCatalog.load(dir);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('writes the record as JSON text with the tracing headers, and dead-letters one that does not fit, naming the field', async () => {
    const producer = new CollectingProducer();
    const publisher = new SourceRecordPublisher(
      producer,
      new AvroSerde(new InMemorySchemaRegistry()),
      catalog,
      'crm',
      new DeadLetterPublisher(producer, 'dlq.test', 'connector:test'),
    );
    const good: Record<string, unknown> = { ...sampleCustomer(), customerId: 'C1' };
    const bad = { ...sampleCustomer(), customerId: 'C2', gender: 'UNSAID' };
    const outcome = await publisher.publish([
      { topic: 'legacy.customer.json', key: 'C1', value: good },
      { topic: 'legacy.customer.json', key: 'C2', value: bad },
    ]);
    expect(outcome).to.deep.equal({ produced: 1, deadLettered: 1 });
    const [written] = producer.sent.get('legacy.customer.json')!;
    expect(JSON.parse(written!.value!.toString('utf8'))).to.include({ customerId: 'C1', fullName: good.fullName });
    expect(written!.headers).to.include({ 'content-type': 'application/json', 'source-system': 'crm' });
    const [dead] = producer.sent.get('dlq.test')!;
    expect(dead!.headers!['dlq-error-message']).to.match(/does not match crmhub\.customer\.Customer: gender: .*UNSAID/);
  });
});
