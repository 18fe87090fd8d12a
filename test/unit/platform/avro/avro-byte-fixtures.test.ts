import { promises as fs } from 'node:fs';
import { expect } from 'chai';
import { parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { avroFixturePath, encodeSampleRecords } from '../../../fixtures/avro-byte-fixtures.js';
import { sampleRecord } from '../../../fixtures/sample-records.js';

// A failure here means a schema or a logical type now writes different bytes than before. If that is
// intended, it is a new schema version: check compatibility, then write v2 fixtures with
// test/fixtures/write-avro-fixtures.ts.
describe('Avro byte fixtures', () => {
  let catalog: SchemaCatalog;
  before(async () => {
    catalog = await SchemaCatalog.load();
  });

  it('exist for every canonical topic', () => {
    expect(encodeSampleRecords(catalog).map((sample) => sample.file.replace(/^.*[/\\]/, ''))).to.deep.equal([
      'crmhub.customer.Customer.v1.bin',
      'crmhub.policy.Policy.v1.bin',
      'crmhub.claim.Claim.v1.bin',
      'crmhub.inventory.InventoryItem.v1.bin',
      'crmhub.service.ServiceRequest.v2.bin',
      'crmhub.erp.ErpCustomer.v1.bin',
      'crmhub.dw.DwCustomer.v1.bin',
      'crmhub.policy.RenewalCandidate.v2.bin',
      'crmhub.customer.CustomerFlag.v1.bin',
      'crmhub.service.ServiceAlert.v1.bin',
      'crmhub.customer.TimelineEvent.v1.bin',
      'crmhub.erp.CustomerXref.v1.bin',
      'crmhub.customer.GoldenCustomer.v1.bin',
      'crmhub.identity.IdentityLink.v1.bin',
      'crmhub.identity.IdentityEvent.v1.bin',
      'crmhub.identity.IdentityQuarantine.v1.bin',
      'crmhub.analytics.CustomerRisk.v1.bin',
      'crmhub.analytics.CustomerSegment.v1.bin',
      'crmhub.inventory.PartReservation.v1.bin',
      'crmhub.service.PartsWait.v1.bin',
      'crmhub.service.PartsOverdue.v1.bin',
      // The KPI topic and the warehouse's topic carry the same record.
      'crmhub.kpi.DealerComplaintsDaily.v1.bin',
      'crmhub.kpi.DealerComplaintsDaily.v1.bin',
    ]);
  });

  it('match the encoding of each sample byte for byte, and decode back to the sample', async () => {
    for (const { topic, record, file, bytes } of encodeSampleRecords(catalog)) {
      const saved = await fs.readFile(file);
      expect(bytes.equals(saved), `${file} no longer matches the encoding of the ${topic} sample`).to.equal(true);
      expect(JSON.parse(JSON.stringify(catalog.type(record).fromBuffer(saved))), file).to.deep.equal(sampleRecord(topic));
    }
  });

  it('decode with the self-contained registry schema as well', async () => {
    for (const { topic, record, file } of encodeSampleRecords(catalog)) {
      const writer = parseAvroSchema(catalog.registrySchema(record));
      expect(JSON.parse(JSON.stringify(writer.fromBuffer(await fs.readFile(file)))), file).to.deep.equal(sampleRecord(topic));
    }
  });

  it('keep the bytes of earlier versions readable: RenewalCandidate v1, written before goldenId and valueSegment, reads with them null', async () => {
    const record = 'crmhub.policy.RenewalCandidate';
    const current = JSON.parse(catalog.registrySchema(record)) as { fields: { name: string }[] };
    const v1Writer = parseAvroSchema(
      JSON.stringify({ ...current, fields: current.fields.filter((field) => field.name !== 'goldenId' && field.name !== 'valueSegment') }),
    );
    const reader = catalog.type(record);
    const decoded = reader.fromBuffer(await fs.readFile(avroFixturePath(record, 1)), reader.createResolver(v1Writer));
    expect(JSON.parse(JSON.stringify(decoded))).to.deep.equal({
      ...sampleRecord('policy.renewal-candidate.v1'),
      goldenId: null,
      valueSegment: null,
    });
  });

  it('keep the bytes of earlier versions readable: ServiceRequest v1, written before dealerCode, branchCode and closedAt, reads with them null', async () => {
    const record = 'crmhub.service.ServiceRequest';
    const added = ['dealerCode', 'branchCode', 'closedAt'];
    const current = JSON.parse(catalog.registrySchema(record)) as { fields: { name: string }[] };
    const v1Writer = parseAvroSchema(JSON.stringify({ ...current, fields: current.fields.filter((field) => !added.includes(field.name)) }));
    const reader = catalog.type(record);
    const decoded = reader.fromBuffer(await fs.readFile(avroFixturePath(record, 1)), reader.createResolver(v1Writer));
    expect(JSON.parse(JSON.stringify(decoded))).to.deep.equal({
      ...sampleRecord('service.request.v1'),
      dealerCode: null,
      branchCode: null,
      closedAt: null,
    });
  });
});
