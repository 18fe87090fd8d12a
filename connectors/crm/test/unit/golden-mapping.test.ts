import avro from 'avsc';
import { expect } from 'chai';
import fc from 'fast-check';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { sampleGoldenCustomer } from '../../../../test/fixtures/sample-records.js';
import { customerFromCrm } from '../../customer-mapping.js';
import { crmCustomerNumbers, goldenToCrm } from '../../golden-mapping.js';

const meta = {
  eventId: 'evt-1',
  eventType: 'CustomerUpdated',
  sourceSystem: 'crm',
  occurredAt: '2026-11-23T08:30:00.000Z',
  correlationId: 'corr-1',
};

describe('crm golden-record mapping', () => {
  it('writes the golden view in the CRM shape: codes, yyyyMMdd, addr, cross-references and field sources in CRM names', () => {
    const golden = sampleGoldenCustomer();
    expect(goldenToCrm(golden, 'C440300000123')).to.deep.equal({
      custNo: 'C440300000123',
      goldenId: golden.goldenId,
      mergedFromGoldenId: null,
      custType: 'P',
      name: '张伟',
      certType: '01',
      certNo: golden.idNumber,
      birthday: '19850312',
      sex: '1',
      mobile: '13812345678',
      email: 'zhang.wei@example.com.cn',
      addr: [
        {
          kind: 'home',
          prov: '广东省',
          city: '深圳市',
          dist: '南山区',
          detail: '粤海街道科技南十二路2号金蝶软件园A栋1203室',
          zip: '518057',
        },
      ],
      policyNos: ['PDAA202644030000012345'],
      plateNos: ['粤B12345'],
      xrefs: [
        { system: 'policy-admin', id: 'PDAA202644030000012345' },
        { system: 'erp', id: 'ERP-000042' },
      ],
      fieldSources: { name: 'crm', certNo: 'crm', mobile: 'crm', email: 'crm', addr: 'crm' },
      updateTime: '2026-11-23 16:30:02',
      sourceEventId: '7c3e1a90-2d4b-4f6a-8e1c-5b9d0a2f3e71',
      operator: 'crm-hub',
    });
  });

  it('points a MERGED record at the survivor and names the merged id, keeping the view', () => {
    const merged = { ...sampleGoldenCustomer(), goldenId: 'g-merged', status: 'MERGED', mergedIntoGoldenId: 'g-survivor' };
    expect(goldenToCrm(merged, 'C440300000123')).to.deep.include({
      goldenId: 'g-survivor',
      mergedFromGoldenId: 'g-merged',
      name: '张伟',
      certType: '01',
    });
  });

  it('lists another CRM customer of the same person as a cross-reference, and only the CRM members as targets', () => {
    const golden = {
      ...sampleGoldenCustomer(),
      members: [
        { system: 'crm', systemId: 'C1', matchedOn: 'new', confidence: 1 },
        { system: 'claims', systemId: 'CLM1', matchedOn: 'policyNumber', confidence: 0.95 },
        { system: 'crm', systemId: 'C2', matchedOn: 'residentId', confidence: 1 },
        { system: 'crm', systemId: 'C1', matchedOn: 'sourceMerge', confidence: 1 },
      ],
    };
    expect(crmCustomerNumbers(golden)).to.deep.equal(['C1', 'C2']);
    expect(goldenToCrm(golden, 'C2').xrefs).to.deep.equal([
      { system: 'crm', id: 'C1' },
      { system: 'claims', id: 'CLM1' },
      { system: 'crm', id: 'C1' },
    ]);
    expect(crmCustomerNumbers({ ...golden, members: [{ system: 'erp', systemId: 'ERP-1' }] })).to.deep.equal([]);
  });

  it('sends nulls and empty lists for what the golden record does not know', () => {
    const sparse = {
      goldenId: 'g-1',
      status: 'ACTIVE',
      customerType: null,
      fullName: null,
      idType: 'OTHER',
      idNumber: 'X1',
      birthDate: null,
      gender: 'UNKNOWN',
      mobile: null,
      email: null,
      address: null,
      policyNumbers: [],
      vehiclePlates: [],
      members: [],
      fieldSources: {},
    };
    expect(goldenToCrm(sparse, 'C1')).to.deep.include({
      custType: null,
      name: null,
      certType: null,
      certNo: 'X1',
      birthday: null,
      sex: null,
      addr: [],
      xrefs: [],
      fieldSources: {},
      updateTime: null,
      sourceEventId: null,
    });
  });

  it('reads back through the CRM source mapping as the same customer, for every symbol of the schema (seeded)', async () => {
    const schemas = await SchemaCatalog.load();
    const symbols = (name: string): string[] => (schemas.type(name) as avro.types.EnumType).symbols;
    const address = fc.record({
      type: fc.constantFrom(...symbols('AddressType')),
      province: fc.constantFrom('广东省', '上海市'),
      city: fc.constantFrom('深圳市', '上海市'),
      district: fc.option(fc.constantFrom('南山区', '浦东新区'), { nil: null }),
      street: fc.string({ minLength: 1, maxLength: 12 }),
      postalCode: fc.option(fc.stringMatching(/^\d{6}$/), { nil: null }),
      countryCode: fc.constant('CN'),
    });
    const golden = fc.record({
      goldenId: fc.uuid(),
      status: fc.constant('ACTIVE'),
      customerType: fc.constantFrom(...symbols('CustomerType')),
      fullName: fc.constantFrom('张伟', '王秀英', '深圳市前海科技有限公司'),
      idType: fc.constantFrom(...symbols('IdDocumentType')),
      idNumber: fc.stringMatching(/^[0-9]{17}[0-9X]$/),
      birthDate: fc
        .date({ min: new Date('1930-01-01'), max: new Date('2010-12-31'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10)),
      gender: fc.constantFrom(...symbols('Gender')),
      mobile: fc.option(fc.stringMatching(/^1[3-9]\d{9}$/), { nil: null }),
      email: fc.option(fc.emailAddress(), { nil: null }),
      address,
    });
    fc.assert(
      fc.property(golden, (value) => {
        const customer = customerFromCrm({ ...goldenToCrm(value, 'C1'), state: '0' }, meta);
        expect(customer).to.deep.include({
          customerId: 'C1',
          customerType: value.customerType,
          fullName: value.fullName,
          // The CRM has no code for OTHER, nor for UNKNOWN: both read back as the catch-all.
          idType: value.idType,
          idNumber: value.idNumber,
          birthDate: value.birthDate,
          gender: value.gender,
          email: value.email,
        });
        expect(customer.addresses).to.deep.equal([value.address]);
        expect(customer.phones).to.deep.equal(value.mobile ? [{ type: 'MOBILE', number: value.mobile, primary: true }] : []);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });
});
