import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { TraceValueReader } from '../../../../src/operations/tracing/trace-value-reader.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

describe('TraceValueReader', () => {
  let schemas: SchemaCatalog;
  let serde: AvroSerde;
  let reader: TraceValueReader;
  const kafka = new InMemoryKafka();

  before(async () => {
    schemas = await SchemaCatalog.load();
    serde = new AvroSerde(new InMemorySchemaRegistry());
    reader = new TraceValueReader(serde, schemas);
  });

  it('does not show a value whose schema the catalog does not know: nothing says which fields are personal', async () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Private',
      namespace: 'elsewhere',
      fields: [{ name: 'secretName', type: 'string' }],
    });
    const record = kafka.append('elsewhere.v1', {
      key: 'k',
      value: await serde.encode('elsewhere.v1-value', schema, { secretName: '李雷' }),
    });
    const shown = await reader.read(record);
    expect(shown).to.deep.equal({
      schemaName: 'elsewhere.Private',
      valueError: 'not shown: elsewhere.Private is not in the schema catalog, so nothing says which fields are personal',
    });
  });

  it('does not show a JSON value kept for a topic that is not canonical', async () => {
    const record = kafka.append('dlq.x', {
      key: 'k',
      value: Buffer.from(JSON.stringify({ name: '李雷' })),
      headers: { 'content-type': 'application/json', 'dlq-original-topic': 'somewhere.v1' },
    });
    expect((await reader.read(record)).valueError).to.match(/^not shown: somewhere.v1 is not a canonical topic/);
  });

  it("masks a JSON dead letter by its original topic's schema, and shows a null value as null", async () => {
    const record = kafka.append('dlq.x', {
      key: 'k',
      value: Buffer.from(JSON.stringify(sampleCustomer())),
      headers: { 'content-type': 'application/json', 'dlq-original-topic': 'crm.customer.v1' },
    });
    const shown = await reader.read(record);
    expect(shown.schemaName).to.equal('crmhub.customer.Customer');
    expect((shown.value as Record<string, unknown>).email).to.equal('z***@example.com.cn');
    expect(await reader.read(kafka.append('t', { key: 'k', value: null }))).to.deep.equal({ value: null });
  });

  it('says why a value could not be decoded, with personal data in the reason masked', async () => {
    const record = kafka.append('dlq.x', {
      key: 'k',
      value: Buffer.from('{"mobile": "13812345678"'),
      headers: { 'content-type': 'application/json', 'dlq-original-topic': 'crm.customer.v1' },
    });
    const shown = await reader.read(record);
    expect(shown.valueError).to.match(/^not decoded: /);
    expect(shown.valueError).to.not.contain('13812345678');
  });
});
