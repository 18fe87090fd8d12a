import { expect } from 'chai';
import { sampleErpCustomer, samplePolicy } from '../../../../test/fixtures/sample-records.js';
import { postingReference, toCustomerXref, toErpCustomer, toPremiumPosting } from '../../erp-mapping.js';

describe('erp mapping', () => {
  it('maps an ErpCustomer to the ERP customer master shape', () => {
    const erp = toErpCustomer(sampleErpCustomer(), '3100');
    expect(erp).to.include({
      ZZCRMID: 'C440300000123',
      BUKRS: '3100',
      KTOKD: 'Z001',
      NAME1: '张伟',
      STCDT: 'RESIDENT_ID',
      KDGRP: 'GOLD',
      TELF1: '13812345678',
      LAND1: 'CN',
    });
    expect(toErpCustomer({ ...sampleErpCustomer(), customerType: 'ORGANIZATION', billingAddress: null }, '3100')).to.include({
      KTOKD: 'Z002',
      STRAS: null,
      LAND1: null,
    });
  });

  it('builds the cross-reference with the ERP number and a derived event id', () => {
    const xref = toCustomerXref(sampleErpCustomer(), 'ERP-000042', '3100', '2026-11-23T08:30:02.417Z');
    expect(xref).to.deep.include({ topic: 'erp.customer-xref.v1', key: 'C440300000123' });
    expect(xref.value).to.deep.include({ customerId: 'C440300000123', erpCustomerId: 'ERP-000042', erpCompany: '3100' });
    expect((xref.value.meta as Record<string, unknown>).eventId).to.equal(
      `${String((sampleErpCustomer().meta as Record<string, unknown>).eventId)}:xref`,
    );
  });

  it('posts a balanced premium document referenced by policy, event and period', () => {
    const policy: Record<string, unknown> = { ...samplePolicy(), meta: { ...(samplePolicy().meta as object), eventType: 'PolicyIssued' } };
    const posting = toPremiumPosting(policy, {
      companyCode: '3100',
      receivableAccount: '1122000000',
      premiumIncomeAccount: '6031000000',
      documentType: 'DR',
    });
    const amount = (samplePolicy().premium as { amount: string }).amount;
    expect(posting.XBLNR)
      .to.equal(postingReference(policy))
      .and.to.equal(`${String(policy.policyNumber)}/PolicyIssued/${String(policy.effectiveDate)}`);
    expect((posting.ITEMS as Record<string, unknown>[]).map((i) => [i.HKONT, i.SHKZG, i.WRBTR])).to.deep.equal([
      ['1122000000', 'S', amount],
      ['6031000000', 'H', amount],
    ]);
  });
});
