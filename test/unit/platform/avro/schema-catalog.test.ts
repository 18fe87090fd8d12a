import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseAvroSchema } from '../../../../src/platform/avro/avro-type-factory.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaFileError, UnknownSchemaError, UnknownTopicError } from '../../../../src/platform/avro/schema-errors.js';
import { businessKeyOf } from '../../../../src/platform/avro/topic-info.js';
import { sampleInventoryItem } from '../../../fixtures/sample-records.js';

const ENTITIES = [
  'crmhub.customer.Customer',
  'crmhub.policy.Policy',
  'crmhub.claim.Claim',
  'crmhub.inventory.InventoryItem',
  'crmhub.service.ServiceRequest',
];

async function loadError(files: Record<string, string>): Promise<SchemaFileError> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-schemas-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), text);
    }
    try {
      await SchemaCatalog.load(dir);
    } catch (error) {
      expect(error).to.be.instanceOf(SchemaFileError);
      return error as SchemaFileError;
    }
    throw new TypeError('expected the catalog to fail loading');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const money = JSON.stringify({ type: 'record', name: 'Money', namespace: 't.common', fields: [{ name: 'amount', type: 'string' }] });

describe('SchemaCatalog', () => {
  let catalog: SchemaCatalog;
  before(async () => {
    catalog = await SchemaCatalog.load();
  });

  describe('the repository schemas', () => {
    it('holds every entity and shared type, and their nested named types', () => {
      expect(catalog.names()).to.include.members([
        ...ENTITIES,
        'crmhub.common.EventMetadata',
        'crmhub.common.Money',
        'crmhub.common.Address',
        'crmhub.common.Phone',
        'crmhub.common.IdDocumentType',
        'crmhub.common.PartyRef',
        'crmhub.policy.Vehicle',
        'crmhub.service.PartRequest',
      ]);
      expect(catalog.has('crmhub.claim.Claim')).to.equal(true);
      expect(catalog.has('crmhub.claim.Claims')).to.equal(false);
      expect(catalog.type('crmhub.claim.Claim').typeName).to.equal('record');
      expect(catalog.sourceFile('crmhub.claim.Claim')).to.match(/schemas[/\\]claim[/\\]Claim\.avsc$/);
    });

    it('accepts an unambiguous short name', () => {
      expect(catalog.type('Customer')).to.equal(catalog.type('crmhub.customer.Customer'));
    });

    it('maps each canonical topic to its record and business key', () => {
      expect(
        catalog.topics().map(({ topic, record, key, compacted }) => `${topic} ${record} ${key}${compacted ? ' compacted' : ''}`),
      ).to.deep.equal([
        'crm.customer.v1 crmhub.customer.Customer customerId',
        'policy.policy.v1 crmhub.policy.Policy policyNumber',
        'claims.claim.v1 crmhub.claim.Claim claimNumber',
        'scm.inventory.v1 crmhub.inventory.InventoryItem partNumber@warehouseCode',
        'service.request.v1 crmhub.service.ServiceRequest ticketNumber',
        'erp.customer.v1 crmhub.erp.ErpCustomer erpCustomerId',
        'dw.customer.v1 crmhub.dw.DwCustomer customerId',
        'policy.renewal-candidate.v1 crmhub.policy.RenewalCandidate policyNumber',
        'crm.customer-flag.v1 crmhub.customer.CustomerFlag customerId',
        'service.alert.v1 crmhub.service.ServiceAlert subject',
        'crm.timeline-event.v1 crmhub.customer.TimelineEvent customerId',
        'erp.customer-xref.v1 crmhub.erp.CustomerXref customerId',
        'customer.golden.v1 crmhub.customer.GoldenCustomer goldenId compacted',
        'customer.xref.v1 crmhub.identity.IdentityLink system@systemId compacted',
        'customer.identity-event.v1 crmhub.identity.IdentityEvent goldenId',
        'customer.identity-quarantine.v1 crmhub.identity.IdentityQuarantine system@systemId',
        'customer.risk.v1 crmhub.analytics.CustomerRisk goldenId compacted',
        'customer.segment.v1 crmhub.analytics.CustomerSegment goldenId compacted',
        'scm.reservation.v1 crmhub.inventory.PartReservation reservationNumber',
        'service.parts-wait.v1 crmhub.service.PartsWait reservationNumber',
        'service.parts-overdue.v1 crmhub.service.PartsOverdue ticketNumber',
        'kpi.dealer-complaints-daily.v1 crmhub.kpi.DealerComplaintsDaily dealerCode@branchCode@day',
        'dw.dealer-complaints-daily.v1 crmhub.kpi.DealerComplaintsDaily dealerCode@branchCode@day',
      ]);
      expect(catalog.topicInfo('crm.customer.v1').keyFields).to.deep.equal(['customerId']);
      expect(businessKeyOf(catalog.topicInfo('scm.inventory.v1'), sampleInventoryItem())).to.equal('52119-06983@WH-SZ-01');
      expect(() => businessKeyOf(catalog.topicInfo('crm.customer.v1'), { customerId: null }))
        .to.throw(/needs a non-empty string customerId/)
        .with.property('code', 'BUSINESS_KEY_INVALID');
    });

    it('names unknown topics and schemas with the closest known ones', () => {
      expect(() => catalog.topicInfo('crm.customers.v1'))
        .to.throw(UnknownTopicError, /did you mean crm\.customer\.v1/)
        .with.property('code', 'TOPIC_UNKNOWN');
      expect(() => catalog.type('crmhub.customer.Custmer'))
        .to.throw(UnknownSchemaError, /unknown schema crmhub\.customer\.Custmer \(did you mean crmhub\.customer\.Customer/)
        .with.property('code', 'SCHEMA_UNKNOWN');
      try {
        catalog.registrySchema('Polcy');
      } catch (error) {
        expect((error as UnknownSchemaError).suggestions[0]).to.equal('crmhub.policy.Policy');
      }
    });

    it('lists the pii field paths through arrays, unions and shared types', () => {
      expect(catalog.piiPaths('crmhub.customer.Customer')).to.deep.equal([
        'fullName',
        'idNumber',
        'birthDate',
        'phones[].number',
        'email',
        'addresses[].street',
      ]);
      expect(catalog.piiPaths('crmhub.policy.Policy')).to.deep.equal([
        'holder.name',
        'holder.idNumber',
        'insured[].name',
        'insured[].idNumber',
        'vehicle.plate',
        'vehicle.vin',
      ]);
      expect(catalog.piiPaths('crmhub.claim.Claim')).to.deep.equal(['lossDescription', 'lossLocation', 'vehiclePlate']);
      expect(catalog.piiPaths('crmhub.inventory.InventoryItem')).to.deep.equal([]);
      expect(catalog.piiPaths('crmhub.service.ServiceRequest')).to.deep.equal(['callerName', 'callerPhone', 'description']);
    });

    for (const name of ENTITIES) {
      it(`gives a self-contained registry schema for ${name} that parses alone to the same type`, () => {
        const text = catalog.registrySchema(name);
        const alone = parseAvroSchema(text, undefined, { assertLogicalTypes: true });
        expect(alone.equals(catalog.type(name))).to.equal(true);
        expect(alone.name).to.equal(name);
      });
    }

    it('keeps pii, doc, defaults, enum defaults and logical type parameters in the registry schema', () => {
      const schema = JSON.parse(catalog.registrySchema('crmhub.customer.Customer')) as {
        namespace: string;
        fields: Record<string, unknown>[];
      };
      expect(schema.namespace).to.equal('crmhub.customer');
      const field = (name: string) => schema.fields.find((candidate) => candidate.name === name) as Record<string, unknown>;
      expect(field('fullName')).to.include({ pii: true, type: 'string' });
      expect(field('fullName').doc).to.be.a('string');
      expect(field('birthDate')).to.deep.include({ type: ['null', { type: 'int', logicalType: 'date' }], default: null, pii: true });
      expect(field('valueSegment')).to.include({ default: 'UNCLASSIFIED' });
      expect(field('valueSegment').type).to.include({ default: 'UNCLASSIFIED' });
      // Shared types are inlined with their own namespace at first use, then referred to by full name.
      expect(field('idType').type).to.include({ type: 'enum', name: 'IdDocumentType', namespace: 'crmhub.common', default: 'OTHER' });
      const phones = field('phones').type as { items: { fields: Record<string, unknown>[] } };
      expect(phones.items.fields.find((candidate) => candidate.name === 'number')).to.include({ pii: true });
      const money = JSON.parse(catalog.registrySchema('crmhub.claim.Claim')) as { fields: { name: string; type: unknown }[] };
      expect(money.fields.find((candidate) => candidate.name === 'reserve')?.type).to.deep.include({
        name: 'Money',
        namespace: 'crmhub.common',
        fields: [
          {
            name: 'amount',
            type: { type: 'bytes', logicalType: 'decimal', precision: 18, scale: 2 },
            doc: 'The amount with two decimal places; negative for refunds and recoveries.',
          },
          { name: 'currency', type: 'string', default: 'CNY', doc: 'ISO 4217 currency code.' },
        ],
      });
      expect(money.fields.find((candidate) => candidate.name === 'paid')?.type).to.equal('crmhub.common.Money');
    });
  });

  it("expands by hand because avsc's own export drops pii and enum defaults", () => {
    // Documents the avsc 5.7 behaviour registrySchema works around; if avsc changes, this says so.
    const exported = JSON.stringify(catalog.type('crmhub.customer.Customer').schema({ exportAttrs: true }));
    expect(exported).to.not.contain('"pii"');
    expect(exported).to.not.contain('"default":"UNKNOWN"');
    expect(exported).to.contain('"logicalType":"date"');
    expect(exported).to.contain('"default":null');
    expect(catalog.registrySchema('crmhub.customer.Customer')).to.contain('"default":"UNKNOWN"');
  });

  describe('loading a broken schema folder', () => {
    it('names the file, line and column of a JSON syntax error', async () => {
      const error = await loadError({ 'common/Money.avsc': '{\n  "type": "record",\n  "name": "Money"\n  "fields": []\n}' });
      expect(error.code).to.equal('SCHEMA_FILE_INVALID');
      expect(error.file).to.match(/common[/\\]Money\.avsc$/);
      expect(error.position).to.deep.equal({ line: 4, column: 3 });
      expect(error.message).to.match(/Money\.avsc:4:3 is not valid JSON/);
    });

    it('names the file and the reason for invalid Avro', async () => {
      const error = await loadError({
        'Bad.avsc': JSON.stringify({ type: 'record', name: 'Bad', fields: [{ name: 'when', type: 'int', default: 'yesterday' }] }),
      });
      expect(error.message).to.match(/Bad\.avsc is not valid Avro: incompatible field default "yesterday"/);
    });

    it('rejects an invalid logical type in our own schemas instead of silently dropping it', async () => {
      const error = await loadError({
        'Price.avsc': JSON.stringify({
          type: 'record',
          name: 'Price',
          fields: [{ name: 'v', type: { type: 'bytes', logicalType: 'decimal', precision: 2, scale: 4 } }],
        }),
      });
      expect(error.message).to.match(/Price\.avsc .*decimal scale must be an integer from 0 to the precision 2/);
    });

    it('names an unknown type with its position and the closest known name', async () => {
      const error = await loadError({
        'common/Money.avsc': money,
        'Invoice.avsc':
          '{\n  "type": "record", "name": "Invoice", "namespace": "t.billing",\n  "fields": [\n    { "name": "total", "type": "t.common.Mony" }\n  ]\n}',
      });
      expect(error.message).to.match(/Invoice\.avsc:4:32 refers to unknown type t\.common\.Mony \(did you mean t\.common\.Money\?\)/);
    });

    it('orders files by the names they use, whatever the folder order', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-schemas-'));
      try {
        // "a-..." sorts before the "z-..." file that defines what it uses.
        await fs.writeFile(
          path.join(dir, 'a-invoice.avsc'),
          JSON.stringify({
            type: 'record',
            name: 'Invoice',
            namespace: 't.billing',
            fields: [{ name: 'total', type: 't.common.Money', pii: true }],
          }),
        );
        await fs.writeFile(path.join(dir, 'z-money.avsc'), money);
        const loaded = await SchemaCatalog.load(dir);
        expect(loaded.names()).to.deep.equal(['t.billing.Invoice', 't.common.Money']);
        expect(loaded.topics()).to.deep.equal([]);
        expect(loaded.piiPaths('Invoice')).to.deep.equal(['total']);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('reports types defined twice and files that use each other', async () => {
      expect((await loadError({ 'a.avsc': money, 'b.avsc': money })).message).to.match(
        /b\.avsc:1:\d+ defines t\.common\.Money, which a\.avsc already defines/,
      );
      const cycle = await loadError({
        'a.avsc': JSON.stringify({ type: 'record', name: 'A', fields: [{ name: 'b', type: ['null', 'B'], default: null }] }),
        'b.avsc': JSON.stringify({ type: 'record', name: 'B', fields: [{ name: 'a', type: ['null', 'A'], default: null }] }),
      });
      expect(cycle.message).to.match(/cycle of files that use each other's types: a\.avsc → b\.avsc → a\.avsc/);
    });

    it('requires a named type at the top level of each file', async () => {
      expect((await loadError({ 'union.avsc': '["null", "string"]' })).message).to.match(/union\.avsc must define one named type/);
    });

    it('checks topics.json against the schemas', async () => {
      expect(
        (await loadError({ 'Money.avsc': money, 'topics.json': '{ "billing.money.v1": { "record": "t.common.Mony", "key": "amount" } }' }))
          .message,
      ).to.match(
        /topics\.json:1:3 topic billing\.money\.v1: record t\.common\.Mony is not defined by any \.avsc file \(did you mean t\.common\.Money\?\)/,
      );
      expect(
        (await loadError({ 'Money.avsc': money, 'topics.json': '{ "billing.money.v1": { "record": "t.common.Money", "key": "id" } }' }))
          .message,
      ).to.match(/has no field id to use as the key/);
      expect((await loadError({ 'Money.avsc': money, 'topics.json': '{ "billing.money.v1": "t.common.Money" }' })).message).to.match(
        /must map each topic to/,
      );
      expect(
        (
          await loadError({
            'Money.avsc': money,
            'topics.json': '{ "billing.money.v1": { "record": "t.common.Money", "key": "amount", "format": "protobuf" } }',
          })
        ).message,
      ).to.match(/billing\.money\.v1: must map each topic to .*"format"\?: "avro"\|"json"/);
    });

    it("reads a topic's value format: Avro unless topics.json says json", async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-schemas-'));
      try {
        await fs.writeFile(path.join(dir, 'Money.avsc'), money);
        await fs.writeFile(
          path.join(dir, 'topics.json'),
          '{ "a.v1": { "record": "t.common.Money", "key": "amount" }, "b.v1": { "record": "t.common.Money", "key": "amount", "format": "json" }, "c.v1": { "record": "t.common.Money", "key": "amount", "format": "avro" } }',
        );
        expect((await SchemaCatalog.load(dir)).topics().map((topic) => `${topic.topic} ${topic.format}`)).to.deep.equal([
          'a.v1 avro',
          'b.v1 json',
          'c.v1 avro',
        ]);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('reports a missing folder as a schema file error', async () => {
      const error = await SchemaCatalog.load(path.join(os.tmpdir(), 'crm-hub-no-such-schemas')).catch((caught: unknown) => caught);
      expect(error)
        .to.be.instanceOf(SchemaFileError)
        .with.property('message')
        .that.matches(/cannot be read as a schema folder/);
    });
  });
});
