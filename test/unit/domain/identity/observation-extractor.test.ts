import { expect } from 'chai';
import { IdentityError } from '../../../../src/domain/identity/identity-error.js';
import { IDENTITY_SOURCE_TOPICS, type Extraction, type IdentityObservation } from '../../../../src/domain/identity/identity-observation.js';
import { extractObservation } from '../../../../src/domain/identity/observation-extractor.js';
import {
  sampleClaim,
  sampleCustomer,
  sampleCustomerXref,
  samplePolicy,
  sampleRecord,
  sampleServiceRequest,
  type SampleRecord,
} from '../../../fixtures/sample-records.js';

function observation(extraction: Extraction): IdentityObservation {
  if (extraction.kind !== 'observation') expect.fail(`expected an observation, got ${JSON.stringify(extraction)}`);
  return extraction.observation;
}

function quarantine(extraction: Extraction): Extract<Extraction, { kind: 'quarantine' }> {
  if (extraction.kind !== 'quarantine') expect.fail(`expected a quarantine, got ${extraction.kind}`);
  return extraction;
}

const ZHANG_WEI_ID = sampleCustomer().idNumber as string;

describe('observation extractor', () => {
  it('reads a CRM customer: resident ID, mobiles (not the landline), e-mail and the attributes', () => {
    const seen = observation(extractObservation('crm.customer.v1', sampleCustomer()));
    expect(seen.system).to.equal('crm');
    expect(seen.systemId).to.equal('C440300000123');
    expect(seen.observedAt).to.equal('2026-11-23T08:30:00.000Z');
    expect(seen.identifiers).to.deep.equal([
      { kind: 'systemRef', value: 'crm:C440300000123' },
      { kind: 'residentId', value: ZHANG_WEI_ID },
      { kind: 'mobile', value: '13812345678' },
      { kind: 'email', value: 'zhang.wei@example.com.cn' },
    ]);
    expect(seen.attributes).to.deep.include({
      fullName: '张伟',
      idType: 'RESIDENT_ID',
      idNumber: ZHANG_WEI_ID,
      birthDate: '1985-03-12',
      gender: 'MALE',
      mobile: '13812345678',
      customerType: 'PERSON',
    });
    expect(seen.attributes.address).to.include({ type: 'HOME', city: '深圳市' });
    expect(seen.event).to.deep.equal({
      eventId: '0f8d3b52-6c1e-4a9b-9d57-2f4e8c1a7b30',
      eventType: 'CustomerUpdated',
      topic: 'crm.customer.v1',
      reference: 'C440300000123',
      occurredAt: '2026-11-23T08:30:00.000Z',
      correlationId: 'corr-20261123-000001',
    });
    expect(seen.mergedInto).to.equal(undefined);
  });

  it('derives birth date and gender from the resident ID when the record lacks them, and normalizes what people typed', () => {
    const customer: SampleRecord = {
      ...sampleCustomer(),
      birthDate: null,
      gender: 'UNKNOWN',
      fullName: ' 张 伟 ',
      email: ' Zhang.Wei@Example.com.cn',
      phones: [{ type: 'MOBILE', number: '+86 138-1234-5678', primary: true }],
    };
    const seen = observation(extractObservation('crm.customer.v1', customer));
    expect(seen.attributes).to.deep.include({
      fullName: '张伟',
      birthDate: '1985-03-12',
      gender: 'MALE',
      mobile: '13812345678',
      email: 'zhang.wei@example.com.cn',
    });
  });

  it('points a CRM merge at the surviving customer', () => {
    const merged = observation(
      extractObservation('crm.customer.v1', {
        ...sampleCustomer(),
        customerId: 'C440300000999',
        status: 'MERGED',
        mergedIntoCustomerId: 'C440300000123',
      }),
    );
    expect(merged.mergedInto).to.equal('crm:C440300000123');
  });

  it('reads a policy as its holder: CRM id, resident ID, policy number and plate', () => {
    const seen = observation(extractObservation('policy.policy.v1', samplePolicy()));
    expect(seen.system).to.equal('policy-admin');
    expect(seen.systemId).to.equal('PDAA202644030000012345');
    expect(seen.identifiers).to.deep.equal([
      { kind: 'systemRef', value: 'crm:C440300000123' },
      { kind: 'systemRef', value: 'policy-admin:PDAA202644030000012345' },
      { kind: 'residentId', value: ZHANG_WEI_ID },
      { kind: 'policyNumber', value: 'PDAA202644030000012345' },
      { kind: 'plate', value: '粤B12345' },
    ]);
    expect(seen.attributes).to.deep.equal({
      fullName: '张伟',
      idType: 'RESIDENT_ID',
      idNumber: ZHANG_WEI_ID,
      birthDate: '1985-03-12',
      gender: 'MALE',
    });
  });

  it('converts an old 15-digit holder ID and keeps a passport as an attribute, not an identifier', () => {
    const old = ZHANG_WEI_ID.slice(0, 6) + ZHANG_WEI_ID.slice(8, 17);
    const policy = samplePolicy();
    const converted = observation(
      extractObservation('policy.policy.v1', { ...policy, holder: { ...(policy.holder as SampleRecord), idNumber: old } }),
    );
    expect(converted.identifiers).to.deep.include({ kind: 'residentId', value: ZHANG_WEI_ID });
    const passport = observation(
      extractObservation('policy.policy.v1', {
        ...policy,
        holder: { customerId: null, name: 'John Smith', idType: 'PASSPORT', idNumber: 'E12345678' },
        vehicle: null,
      }),
    );
    expect(passport.identifiers.map((identifier) => identifier.kind)).to.deep.equal(['systemRef', 'policyNumber']);
    expect(passport.attributes).to.deep.equal({ fullName: 'John Smith', idType: 'PASSPORT', idNumber: 'E12345678' });
  });

  it('reads a claim: policy number, plate and the claimant CRM id, no attributes', () => {
    const seen = observation(extractObservation('claims.claim.v1', sampleClaim()));
    expect(seen.system).to.equal('claims');
    expect(seen.identifiers).to.deep.equal([
      { kind: 'systemRef', value: 'claims:RDAA202631010000098765' },
      { kind: 'systemRef', value: 'crm:C310100000456' },
      { kind: 'policyNumber', value: 'PDAA202631010000054321' },
      { kind: 'plate', value: '沪AD12345' },
    ]);
    expect(seen.attributes).to.deep.equal({});
  });

  it('reads a service request: caller name and mobile, CRM id; a landline caller is no identifier but no error either', () => {
    const seen = observation(extractObservation('service.request.v1', sampleServiceRequest()));
    expect(seen.system).to.equal('service-desk');
    expect(seen.identifiers).to.deep.equal([
      { kind: 'systemRef', value: 'crm:C310100000456' },
      { kind: 'systemRef', value: 'service-desk:SR20261123000157' },
      { kind: 'mobile', value: '15900001234' },
    ]);
    expect(seen.attributes).to.deep.equal({ fullName: '王秀英', mobile: '15900001234' });
    const landline = observation(
      extractObservation('service.request.v1', { ...sampleServiceRequest(), customerId: null, callerPhone: '021-58881234' }),
    );
    expect(landline.identifiers).to.deep.equal([{ kind: 'systemRef', value: 'service-desk:SR20261123000157' }]);
  });

  it('reads an ERP cross-reference as the ERP customer, linked to its CRM customer', () => {
    const seen = observation(extractObservation('erp.customer-xref.v1', sampleCustomerXref()));
    expect(seen.system).to.equal('erp');
    expect(seen.systemId).to.equal('ERP-000042');
    expect(seen.identifiers).to.deep.equal([
      { kind: 'systemRef', value: 'crm:C440300000123' },
      { kind: 'systemRef', value: 'erp:ERP-000042' },
    ]);
  });

  it('quarantines a record with an invalid resident ID, mobile or plate, naming the field but never the value', () => {
    const badId = ZHANG_WEI_ID.slice(0, 17) + (ZHANG_WEI_ID[17] === '1' ? '2' : '1');
    const policy = samplePolicy();
    const cases: [string, SampleRecord, string, string][] = [
      ['crm.customer.v1', { ...sampleCustomer(), idNumber: badId }, 'idNumber', 'residentId'],
      [
        'crm.customer.v1',
        { ...sampleCustomer(), phones: [{ type: 'MOBILE', number: '1381234567', primary: true }] },
        'phones[0].number',
        'mobile',
      ],
      ['policy.policy.v1', { ...policy, holder: { ...(policy.holder as SampleRecord), idNumber: badId } }, 'holder.idNumber', 'residentId'],
      ['policy.policy.v1', { ...policy, vehicle: { ...(policy.vehicle as SampleRecord), plate: '粤B1234' } }, 'vehicle.plate', 'plate'],
      ['claims.claim.v1', { ...sampleClaim(), vehiclePlate: 'XX12345' }, 'vehiclePlate', 'plate'],
      ['service.request.v1', { ...sampleServiceRequest(), callerPhone: '159000012' }, 'callerPhone', 'mobile'],
    ];
    for (const [topic, record, field, kind] of cases) {
      const held = quarantine(extractObservation(topic, record));
      expect(held.topic).to.equal(topic);
      expect(held.invalid).to.have.length(1);
      expect(held.invalid[0]).to.include({ field, kind });
      expect(JSON.stringify(held)).not.to.contain(badId);
      expect(JSON.stringify(held.invalid)).not.to.match(/1381234567|粤B1234|XX12345|159000012/);
    }
  });

  it('ignores a malformed e-mail or a garbled WORK number instead of quarantining the record', () => {
    const seen = observation(
      extractObservation('crm.customer.v1', {
        ...sampleCustomer(),
        email: 'zhang.wei',
        phones: [
          { type: 'MOBILE', number: '13812345678', primary: true },
          { type: 'WORK', number: 'ext. 12', primary: false },
        ],
      }),
    );
    expect(seen.identifiers.map((identifier) => identifier.kind)).to.deep.equal(['systemRef', 'residentId', 'mobile']);
    expect(seen.attributes.email).to.equal(undefined);
  });

  it('makes an observation of a record with nothing but its own reference', () => {
    const seen = observation(
      extractObservation('claims.claim.v1', { ...sampleClaim(), claimantCustomerId: null, vehiclePlate: null, policyNumber: '' }),
    );
    expect(seen.identifiers).to.deep.equal([{ kind: 'systemRef', value: 'claims:RDAA202631010000098765' }]);
  });

  it('answers none for the other topics and refuses a record without its key or metadata', () => {
    expect(extractObservation('scm.inventory.v1', sampleRecord('scm.inventory.v1'))).to.deep.equal({ kind: 'none' });
    expect(IDENTITY_SOURCE_TOPICS).to.have.members([
      'crm.customer.v1',
      'policy.policy.v1',
      'claims.claim.v1',
      'service.request.v1',
      'erp.customer-xref.v1',
    ]);
    for (const topic of IDENTITY_SOURCE_TOPICS) expect(extractObservation(topic, sampleRecord(topic)).kind, topic).to.equal('observation');
    expect(() => extractObservation('crm.customer.v1', { ...sampleCustomer(), customerId: undefined })).to.throw(
      IdentityError,
      /no customerId/,
    );
    expect(() => extractObservation('crm.customer.v1', { ...sampleCustomer(), meta: null })).to.throw(IdentityError, /no meta/);
  });
});
