import { expect } from 'chai';
import { SchemaRegistry as IndependentRegistryClient } from '@kafkajs/confluent-schema-registry';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { RecordDecodeError } from '../../../../src/platform/avro/record-decode-error.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { businessKeyOf } from '../../../../src/platform/avro/topic-info.js';
import { encodeWireFormat } from '../../../../src/platform/avro/wire-format.js';
import type { IncomingRecord, KafkaClient, OutgoingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { sampleCustomer, sampleRecord } from '../../../fixtures/sample-records.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

/** Produces `records` to a fresh topic and reads them back through a fresh consumer group. */
async function roundTrip(client: KafkaClient, topic: string, records: OutgoingRecord[]): Promise<IncomingRecord[]> {
  const admin = await client.admin();
  await admin.ensureTopics([{ topic, partitions: 1 }]);
  await admin.disconnect();
  const producer = await client.producer();
  await producer.send(topic, records);
  await producer.disconnect();
  const consumer = await client.consumer({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true });
  const seen: IncomingRecord[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${records.length} records came back`)), 30_000);
    void consumer.run(async (batch) => {
      seen.push(...batch.records);
      if (seen.length >= records.length) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await consumer.stop();
  return seen;
}

const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('Avro in the Confluent wire format on a real broker and registry', () => {
  let catalog: SchemaCatalog;
  let client: KafkaClient;

  before(async () => {
    catalog = await SchemaCatalog.load();
    client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
  });

  it('round-trips a realistic record of every canonical schema, keyed by its business key', async () => {
    const serde = new AvroSerde(new SchemaRegistryClient(infrastructure().registry.url));
    for (const info of catalog.topics()) {
      const topic = uniqueName(info.topic);
      const value = sampleRecord(info.topic);
      const bytes = await serde.encode(valueSubject(topic), catalog.registrySchema(info.record), value);
      const [record] = await roundTrip(client, topic, [{ key: businessKeyOf(info, value), value: bytes }]);
      expect(record!.key!.toString()).to.equal(businessKeyOf(info, value));
      const decoded = await serde.decode(record!.value, record);
      expect(decoded.schemaName).to.equal(info.record);
      expect(asJson(decoded.value), info.topic).to.deep.equal(value);
    }
  });

  it('writes what an independent Confluent client reads, and reads what it writes', async () => {
    const { registry } = infrastructure();
    const independent = new IndependentRegistryClient({ host: registry.url });
    const serde = new AvroSerde(new SchemaRegistryClient(registry.url));
    const topic = uniqueName('crm.customer.v1');
    const schema = catalog.registrySchema('crmhub.customer.Customer');
    const customer = sampleCustomer();

    const hubBytes = await serde.encode(valueSubject(topic), schema, customer);
    const readByOther = (await independent.decode(hubBytes)) as Record<string, unknown>;
    expect(readByOther.fullName).to.equal('张伟');
    expect(readByOther.idNumber).to.equal(customer.idNumber);
    expect(readByOther.createdAt).to.equal(Date.parse(customer.createdAt as string));

    // The other client knows nothing of our logical-type forms: it writes epoch millis and day numbers.
    const id = await independent.getLatestSchemaId(valueSubject(topic));
    const theirs = {
      ...customer,
      fullName: '李娜',
      createdAt: Date.parse('2020-01-02T03:04:05.678Z'),
      updatedAt: 0,
      birthDate: 5000,
      meta: { ...(customer.meta as object), occurredAt: 1_700_000_000_000 },
    };
    const [record] = await roundTrip(client, topic, [{ key: 'C1', value: await independent.encode(id, theirs) }]);
    const decoded = (await serde.decode(record!.value, record)).value as Record<string, unknown>;
    expect(decoded.fullName).to.equal('李娜');
    expect(decoded.createdAt).to.equal('2020-01-02T03:04:05.678Z');
    expect(decoded.updatedAt).to.equal('1970-01-01T00:00:00.000Z');
    expect(decoded.birthDate).to.equal('1983-09-10'); // day 5000 after 1970-01-01
  });

  it('names topic, partition and offset for bytes that are not the wire format, an unknown schema id or broken Avro', async () => {
    const serde = new AvroSerde(new SchemaRegistryClient(infrastructure().registry.url));
    const topic = uniqueName('it.bad-bytes');
    const good = await serde.encode(valueSubject(topic), catalog.registrySchema('Customer'), sampleCustomer());
    const records = await roundTrip(client, topic, [
      { key: 'json', value: Buffer.from('{"customerId":"C1"}') },
      { key: 'unknown-id', value: encodeWireFormat(987_654, good.subarray(5)) },
      { key: 'truncated', value: good.subarray(0, 40) },
      { key: 'good', value: good },
    ]);
    const outcomes = await Promise.all(
      records.map((record) =>
        serde.decode(record.value, record).then(
          () => 'ok',
          (error: RecordDecodeError) => error,
        ),
      ),
    );
    const [json, unknown, truncated, ok] = outcomes as [RecordDecodeError, RecordDecodeError, RecordDecodeError, string];
    expect(json.code).to.equal('WIRE_FORMAT_INVALID');
    expect(json.message).to.match(new RegExp(`^${topic}\\[0\\]@0: `));
    expect(unknown.code).to.equal('SCHEMA_ID_UNKNOWN');
    expect(unknown.message).to.equal(`${topic}[0]@1: schema id 987654 is not known to the schema registry`);
    expect(truncated.code).to.equal('AVRO_DECODE_FAILED');
    expect(truncated.message).to.contain(`${topic}[0]@2`).and.to.contain('crmhub.customer.Customer');
    for (const error of [json, unknown, truncated]) expect(error.retriable).to.equal(false);
    expect(ok).to.equal('ok');
  });

  it('refuses to encode a value that does not fit its schema, naming each field', async () => {
    const serde = new AvroSerde(new SchemaRegistryClient(infrastructure().registry.url));
    const bad = { ...sampleCustomer(), birthDate: '1985-02-30', gender: 'M' };
    const error = await serde
      .encode(valueSubject(uniqueName('it.invalid')), catalog.registrySchema('Customer'), bad)
      .catch((e: Error & { code: string }) => e);
    expect((error as { code: string }).code).to.equal('AVRO_VALUE_INVALID');
    expect((error as Error).message)
      .to.contain('birthDate')
      .and.to.contain('gender');
  });

  it('keeps schemas across a registry restart: records written before decode after', async function () {
    const infra = infrastructure();
    if (!infra.restartRegistry) this.skip(); // an external registry is not ours to restart
    const topic = uniqueName('it.restart');
    const schema = catalog.registrySchema('Customer');
    const before = new AvroSerde(new SchemaRegistryClient(infra.registry.url));
    const bytes = await before.encode(valueSubject(topic), schema, sampleCustomer());
    const id = bytes.readUInt32BE(1);

    const url = await infra.restartRegistry!();
    const registry = new SchemaRegistryClient(url);
    expect(await registry.schemaById(id)).to.equal(schema);
    expect(await registry.subjects()).to.include(valueSubject(topic));
    const decoded = await new AvroSerde(registry).decode(bytes);
    expect(asJson(decoded.value)).to.deep.equal(sampleCustomer());
  });
});
