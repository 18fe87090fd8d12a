import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { isValidResidentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';
import { seededCrmCustomers } from '../../../../src/demo/crm-simulator.js';
import { crmBeijingTime, customerFromCrm, flagToCrm, mergedCustomer } from '../../customer-mapping.js';

const meta = {
  eventId: 'evt-1',
  eventType: 'CustomerUpdated',
  sourceSystem: 'crm',
  occurredAt: '2026-11-23T08:30:00.000Z',
  correlationId: 'corr-1',
};

function crmZhangWei(): Record<string, unknown> {
  return {
    custNo: 'C440305000001',
    custType: 'P',
    name: ' 张伟 ',
    certType: '01',
    certNo: '44030519850312013x',
    birthday: '19850312',
    sex: '1',
    mobile: '13812345678',
    tel: '0755-86001234',
    email: 'zhang.wei@example.com.cn',
    addr: [
      { kind: 'home', prov: '广东省', city: '深圳市', dist: '南山区', detail: '科技南十二路2号1203室', zip: '518057' },
      { kind: 'office-2', prov: '广东省', city: '深圳市', detail: 'x' },
    ],
    occupationClass: '1',
    level: 'B',
    state: '0',
    mergedTo: null,
    createTime: '2019-06-01 10:15:30',
    lastModified: '2026-11-23T08:29:58.123Z',
  };
}

describe('crm customer mapping', () => {
  it('maps the CRM shape to crm.customer.v1: codes, dates in Beijing time, phones and addresses', () => {
    const customer = customerFromCrm(crmZhangWei(), meta);
    expect(customer).to.deep.include({
      customerId: 'C440305000001',
      customerType: 'PERSON',
      fullName: '张伟',
      idType: 'RESIDENT_ID',
      idNumber: '44030519850312013X',
      birthDate: '1985-03-12',
      gender: 'MALE',
      email: 'zhang.wei@example.com.cn',
      jobCategory: '1',
      valueSegment: 'GOLD',
      status: 'ACTIVE',
      mergedIntoCustomerId: null,
      createdAt: '2019-06-01T02:15:30.000Z',
      updatedAt: '2026-11-23T08:29:58.123Z',
    });
    expect(customer.phones).to.deep.equal([
      { type: 'MOBILE', number: '13812345678', primary: true },
      { type: 'HOME', number: '0755-86001234', primary: false },
    ]);
    // The address of a kind the canonical model does not know is left out.
    expect(customer.addresses).to.deep.equal([
      {
        type: 'HOME',
        province: '广东省',
        city: '深圳市',
        district: '南山区',
        street: '科技南十二路2号1203室',
        postalCode: '518057',
        countryCode: 'CN',
      },
    ]);
  });

  it('maps level A-D to value segments and unknown codes to the catch-all symbols', () => {
    const segment = (level: unknown): unknown => customerFromCrm({ ...crmZhangWei(), level }, meta).valueSegment;
    expect(['A', 'B', 'C', 'D', null, 'Z'].map(segment)).to.deep.equal([
      'PLATINUM',
      'GOLD',
      'SILVER',
      'BRONZE',
      'UNCLASSIFIED',
      'UNCLASSIFIED',
    ]);
    const other = customerFromCrm({ ...crmZhangWei(), certType: '02', sex: '9' }, meta);
    expect(other).to.deep.include({ idType: 'PASSPORT', gender: 'UNKNOWN' });
    expect(customerFromCrm({ ...crmZhangWei(), certType: '77' }, meta).idType).to.equal('OTHER');
  });

  it('produces values the Customer schema accepts, and keeps bad values for the schema check to refuse', async () => {
    const type = (await SchemaCatalog.load()).type('Customer');
    for (const crm of seededCrmCustomers(20))
      expect(type.isValid(customerFromCrm({ ...crm, lastModified: '2026-11-23T08:29:58.123Z' }, meta)), String(crm.custNo)).to.equal(true);
    expect(type.isValid(customerFromCrm({ ...crmZhangWei(), birthday: '1985-3-12' }, meta))).to.equal(false);
    expect(type.isValid(customerFromCrm({ ...crmZhangWei(), name: '' }, meta))).to.equal(false);
    expect(type.isValid(customerFromCrm({ ...crmZhangWei(), state: 'X' }, meta))).to.equal(false);
    expect(crmBeijingTime('2019-13-01 10:00:00')).to.equal('2019-13-01 10:00:00');
  });

  it('turns a merge into a MERGED tombstone pointing to the survivor', () => {
    const survivor = customerFromCrm(crmZhangWei(), meta);
    const merged = mergedCustomer(survivor, 'C440305000099', { ...meta, eventId: 'evt-1#merged' });
    expect(merged).to.deep.include({
      customerId: 'C440305000099',
      status: 'MERGED',
      mergedIntoCustomerId: 'C440305000001',
      fullName: '张伟',
    });
  });

  it('seeds deterministic customers with valid resident IDs and 11-digit mobiles', () => {
    const [a, b] = [seededCrmCustomers(30), seededCrmCustomers(30)];
    expect(a).to.deep.equal(b);
    for (const crm of a) {
      expect(isValidResidentIdNumber(String(crm.certNo)), String(crm.certNo)).to.equal(true);
      expect(String(crm.mobile)).to.match(/^1[3-9]\d{9}$/);
    }
  });

  it('writes a flag in the CRM shape with Beijing time', () => {
    const flag = {
      meta: { eventId: 'e-9' },
      customerId: 'C1',
      flagType: 'HIGH_LOSS_RATIO',
      severity: 'CRITICAL',
      reason: '赔付率超过300%',
      policyNumber: 'P1',
      claimNumber: null,
      lossRatio: '3.2380',
      raisedAt: '2026-12-15T11:42:10.000Z',
    };
    expect(flagToCrm(flag)).to.deep.equal({
      level: '3',
      remark: '赔付率超过300%',
      policyNo: 'P1',
      claimNo: null,
      lossRatio: '3.2380',
      raisedTime: '2026-12-15 19:42:10',
      sourceEventId: 'e-9',
      operator: 'crm-hub',
    });
  });
});
