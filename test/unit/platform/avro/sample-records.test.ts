import { expect } from 'chai';
import { explainInvalidValue } from '../../../../src/platform/avro/invalid-value-explanation.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { isValidResidentIdNumber, residentIdCheckCharacter, residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';
import {
  SAMPLE_RECORDS,
  sampleCustomer,
  samplePolicy,
  sampleRecord,
  sampleServiceRequest,
  sampleClaim,
} from '../../../fixtures/sample-records.js';

// Decoded records are avsc record instances; compare their JSON, which is what flows see.
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

const MOBILE = /^1[3-9]\d{9}$/;
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE = new RegExp(`^[${PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5}$`);
const NEW_ENERGY_PLATE = new RegExp(`^[${PROVINCES}][A-HJ-NP-Z][DF][A-HJ-NP-Z0-9]{5}$`);

describe('sample records', () => {
  let catalog: SchemaCatalog;
  before(async () => {
    catalog = await SchemaCatalog.load();
  });

  it('exist for exactly the canonical topics', () => {
    expect(Object.keys(SAMPLE_RECORDS)).to.deep.equal(catalog.topics().map((info) => info.topic));
    expect(() => sampleRecord('no.such.v1')).to.throw(/no sample record for topic no\.such\.v1/);
  });

  for (const topic of Object.keys(SAMPLE_RECORDS)) {
    it(`${topic}: is valid and survives an Avro round trip unchanged`, () => {
      const type = catalog.type(catalog.topicInfo(topic).record);
      const sample = sampleRecord(topic);
      const problems: string[] = [];
      type.isValid(sample, {
        errorHook: (path, value, invalidType) => problems.push(`${path.join('.')}: ${explainInvalidValue(invalidType, value)}`),
      });
      expect(problems).to.deep.equal([]);
      expect(plain(type.fromBuffer(type.toBuffer(sample)))).to.deep.equal(sample);
    });
  }

  it('are fresh objects on every call', () => {
    const first = sampleCustomer();
    (first.phones as unknown[]).length = 0;
    expect(sampleCustomer().phones).to.have.length(2);
  });

  it('use resident ID numbers with a valid GB 11643 check character matching the birth date', () => {
    // The worked example of the standard itself.
    expect(residentIdCheckCharacter('11010519491231002')).to.equal('X');
    expect(isValidResidentIdNumber('11010519491231002X')).to.equal(true);
    expect(isValidResidentIdNumber('110105194912310021')).to.equal(false);
    expect(residentIdNumber('110105', '1949-12-31', 2)).to.equal('11010519491231002X');
    const customer = sampleCustomer();
    expect(isValidResidentIdNumber(customer.idNumber as string)).to.equal(true);
    expect((customer.idNumber as string).slice(6, 14)).to.equal((customer.birthDate as string).replaceAll('-', ''));
    // The sequence's last digit is odd for men.
    expect(Number((customer.idNumber as string)[16]) % 2).to.equal(customer.gender === 'MALE' ? 1 : 0);
    const policy = samplePolicy() as { holder: { idNumber: string }; insured: { idNumber: string }[] };
    for (const party of [policy.holder, ...policy.insured]) expect(isValidResidentIdNumber(party.idNumber)).to.equal(true);
  });

  it('use mainland mobile numbers and licence plates in their real formats', () => {
    const customer = sampleCustomer() as { phones: { type: string; number: string }[] };
    for (const phone of customer.phones.filter((candidate) => candidate.type === 'MOBILE')) expect(phone.number).to.match(MOBILE);
    expect(sampleServiceRequest().callerPhone).to.match(MOBILE);
    expect((samplePolicy().vehicle as { plate: string }).plate).to.match(PLATE);
    expect(sampleClaim().vehiclePlate).to.match(NEW_ENERGY_PLATE);
  });
});
