import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import {
  briefOf,
  viewOf,
  type DecodedDeadLetterValue,
  type UndecodedDeadLetterValue,
} from '../../../../src/operations/dead-letters/dead-letter-view.js';
import { sampleCustomer, samplePolicy } from '../../../fixtures/sample-records.js';
import { letter } from './dead-letter-fixtures.js';

describe('a dead letter shown to people', () => {
  let catalog: SchemaCatalog;
  let serde: AvroSerde;
  const customer = sampleCustomer();
  const idNumber = String(customer.idNumber);

  before(async () => {
    catalog = await SchemaCatalog.load();
    serde = new AvroSerde(new InMemorySchemaRegistry());
  });

  const encode = (topic: string, value: Record<string, unknown>) =>
    serde.encode(valueSubject(topic), catalog.registrySchema(catalog.topicInfo(topic).record), value);

  it('decodes a Customer and masks its personal fields and any personal text', async () => {
    const entry = letter({
      originalTopic: 'crm.customer.v1',
      value: await encode('crm.customer.v1', customer),
      key: `C1-${idNumber}`,
      message: `customer ${idNumber} with mobile 13812345678 rejected`,
    });
    const view = await viewOf(entry, serde, catalog);
    const value = view.value as DecodedDeadLetterValue;
    expect(value).to.include({ format: 'avro', schemaName: 'crmhub.customer.Customer' });
    expect(value.maskedFields).to.include.members(['fullName', 'idNumber', 'phones[].number', 'email']);
    const record = value.record as Record<string, unknown>;
    expect(record).to.include({ customerId: customer.customerId, fullName: '张*', status: 'ACTIVE', createdAt: customer.createdAt });
    expect(record.idNumber).to.equal(`${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`);
    const shown = JSON.stringify(view);
    expect(shown).not.to.contain(idNumber).and.not.to.contain('13812345678').and.not.to.contain('zhang.wei@').and.not.to.contain('张伟');
    expect(view.key).to.equal(`C1-${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`);
    expect(view.reason.errorMessage).to.equal(
      `customer ${idNumber.slice(0, 6)}********${idNumber.slice(-4)} with mobile 138****5678 rejected`,
    );
    expect(view.headers['dlq-error-message']).to.equal(view.reason.errorMessage);
    expect(view).to.include({ id: 'dlq.crm-main:0:0', correlationId: 'corr-1', replayedFrom: null });
  });

  it("masks with the writer's schema too when the record was on another topic than its schema says", async () => {
    const policyBytes = await encode('policy.policy.v1', samplePolicy());
    const view = await viewOf(letter({ originalTopic: 'crm.customer.v1', value: policyBytes }), serde, catalog);
    const record = (view.value as DecodedDeadLetterValue).record as { holder: { name: string }; policyNumber: string };
    expect(record.holder.name).to.equal('张*');
    expect(record.policyNumber).to.equal('PDAA202644030000012345');
    const unknownTopic = await viewOf(letter({ originalTopic: 'some.private.topic', value: policyBytes }), serde, catalog);
    expect(((unknownTopic.value as DecodedDeadLetterValue).record as { holder: { name: string } }).holder.name).to.equal('张*');
  });

  it('shows bytes that do not decode as base64 with the reason, and a null value as null', async () => {
    const bytes = Buffer.from('{"not":"avro"}');
    const view = await viewOf(letter({ value: bytes }), serde, catalog);
    const value = view.value as UndecodedDeadLetterValue;
    expect(value.format).to.equal('base64');
    expect(Buffer.from(value.base64, 'base64').equals(bytes)).to.equal(true);
    expect(value.reason).to.match(/wire format|magic/i);
    const unknownSchema = await viewOf(letter({ value: Buffer.from([0, 0, 0, 0x7f, 0x7f, 2]) }), serde, catalog);
    expect((unknownSchema.value as UndecodedDeadLetterValue).reason).to.contain('schema id');
    expect((await viewOf(letter({ value: null }), serde, catalog)).value).to.equal(null);
    expect(briefOf(letter({ value: null, key: null }))).to.include({ key: null, valueBytes: 0 });
  });
});
