import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import {
  maskFieldsNamed,
  maskPersonalPatterns,
  maskPersonalValue,
  maskRecord,
} from '../../../../src/platform/observability/pii-masking.js';
import { sampleCustomer, samplePolicy } from '../../../fixtures/sample-records.js';

describe('personal data masking', () => {
  it('masks ID numbers (18 and 15 digits), mobiles (with +86) and e-mail addresses in free text', () => {
    expect(maskPersonalPatterns('id 44030519850312013X called from +8613812345678, mail zhang.wei@example.com.cn')).to.equal(
      'id 440305********013X called from +86138****5678, mail z***@example.com.cn',
    );
    expect(maskPersonalPatterns('old id 440305850312013 ok')).to.equal('old id 440305******013 ok');
    // Order numbers and amounts are not personal: longer digit runs and amounts stay as they are.
    expect(maskPersonalPatterns('policy PDAA202644030000012345 premium 3860.50 ticket SR20261123000157')).to.equal(
      'policy PDAA202644030000012345 premium 3860.50 ticket SR20261123000157',
    );
  });

  it('masks one value keeping a first character and a few last ones', () => {
    expect(maskPersonalValue('张伟')).to.equal('张*');
    expect(maskPersonalValue('欧阳娜娜')).to.equal('欧***');
    expect(maskPersonalValue('粤B12345')).to.equal('粤****45');
    expect(maskPersonalValue('广东省深圳市南山区科技南十二路2号')).to.equal('广************二路2号');
    expect(maskPersonalValue(null)).to.equal(null);
    expect(maskPersonalValue(19850312)).to.equal('***');
  });

  it("masks the schema's pii fields of a canonical record, nested and in arrays, and leaves the rest", async () => {
    const catalog = await SchemaCatalog.load();
    const customer = sampleCustomer();
    const masked = maskRecord(customer, catalog.piiPaths('crmhub.customer.Customer')) as Record<string, unknown>;
    expect(masked.customerId).to.equal(customer.customerId);
    expect(masked.fullName).to.equal('张*');
    expect(masked.idNumber).to.equal(`${String(customer.idNumber).slice(0, 6)}********${String(customer.idNumber).slice(-4)}`);
    expect((masked.phones as { number: string; type: string }[])[0]).to.deep.include({ type: 'MOBILE', number: '138****5678' });
    expect(JSON.stringify(masked))
      .not.to.contain(String(customer.idNumber))
      .and.not.to.contain('13812345678')
      .and.not.to.contain('zhang.wei@');
    const policy = maskRecord(samplePolicy(), catalog.piiPaths('crmhub.policy.Policy')) as {
      holder: { name: string; idNumber: string };
      insured: { idNumber: string }[];
      policyNumber: string;
    };
    expect(policy.holder.name).to.equal('张*');
    expect(policy.insured[0]!.idNumber).to.match(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(policy.policyNumber).to.equal('PDAA202644030000012345');
  });

  it('masks fields by name at any depth when the record is unknown, and still scans the other strings', () => {
    const value = {
      holder: { name: '张伟', idNumber: '44030519850312013X' },
      vehiclePlates: ['粤B12345', '粤B54321'],
      note: 'call 13812345678',
      product: '机动车商业保险',
      amount: 3860.5,
    };
    expect(maskFieldsNamed(value, new Set(['name', 'idNumber', 'vehiclePlates']))).to.deep.equal({
      holder: { name: '张*', idNumber: '440305********013X' },
      vehiclePlates: ['粤****45', '粤****21'],
      note: 'call 138****5678',
      product: '机动车商业保险',
      amount: 3860.5,
    });
    expect(value.holder.name, 'the input is left as it was').to.equal('张伟');
  });
});
