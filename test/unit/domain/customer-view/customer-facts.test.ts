import { expect } from 'chai';
import { LossRatioBook } from '../../../../src/domain/customer-view/risk/loss-ratio-book.js';
import { sampleGoldenCustomer } from '../../../fixtures/sample-records.js';
import { type FactsCustomer, customerFacts } from '../../../../src/domain/customer-view/segments/customer-facts.js';
import { claimOf, money, policyOf } from './customer-view-records.js';

const MOTOR = 'PDAA202644030000012345';

function book(): LossRatioBook {
  const result = new LossRatioBook();
  result.upsertPolicy(policyOf());
  result.upsertPolicy(
    policyOf({
      policyNumber: 'PHEALTH01',
      productLine: 'HEALTH',
      premium: money('1200.25'),
      effectiveDate: '2027-01-01',
      expiryDate: '2027-12-31',
    }),
  );
  result.upsertPolicy(
    policyOf({
      policyNumber: 'PMOTOR-OLD',
      premium: money('3500.00'),
      effectiveDate: '2023-12-01',
      expiryDate: '2024-11-30',
      status: 'EXPIRED',
    }),
  );
  result.upsertPolicy(policyOf({ policyNumber: 'PLIFE-CANCELLED', productLine: 'LIFE', premium: money('9000.00'), status: 'CANCELLED' }));
  result.upsertClaim(claimOf({ claimNumber: 'R1', status: 'PAID', paid: money('500.00') }));
  result.upsertClaim(claimOf({ claimNumber: 'R2', policyNumber: 'PMOTOR-OLD', status: 'CLOSED', paid: money('120.10') }));
  result.upsertClaim(claimOf({ claimNumber: 'R3', policyNumber: 'PHEALTH01', status: 'REJECTED', paid: money('0.00') }));
  return result;
}

const customer = {
  policyNumbers: [MOTOR, 'PHEALTH01', 'PMOTOR-OLD', 'PLIFE-CANCELLED', 'PNOT-YET-SEEN'],
  createdAt: '2024-06-01T02:15:30.000Z',
};

describe('customerFacts', () => {
  it('sums the premium and product lines of the policies in force, and the claims that were not rejected', () => {
    const facts = customerFacts(book(), customer, '2027-03-01');
    expect(facts).to.deep.equal({
      annualPremium: 5060.75,
      // From the old motor policy's start, 2023-12-01: three anniversaries and 90 of the 365 days to the fourth → 3.24.
      tenureYears: 3.24,
      productsHeld: 2,
      productLines: ['HEALTH', 'MOTOR'],
      claimsCount: 2,
      claimsPaid: 620.1,
      // 620.10 paid over 962.48 + 197.30 + 3500.00 earned (the life policy was cancelled before it started) → 0.1331.
      lossRatio: 0.1331,
    });
  });

  it('counts an IN_FORCE policy whose last day has passed as no longer in force', () => {
    const facts = customerFacts(book(), customer, '2027-12-01');
    expect(facts).to.include({ annualPremium: 1200.25, productsHeld: 1 });
    expect(facts.productLines).to.deep.equal(['HEALTH']);
  });

  it('measures tenure from the golden record when it is older than every policy, in completed hundredths of a year', () => {
    const created = { policyNumbers: [MOTOR], createdAt: '2024-02-29T17:00:00.000Z' };
    // 17:00 UTC is already 1 March in China, where the customer was created.
    expect(customerFacts(book(), created, '2027-03-01').tenureYears).to.equal(3);
    expect(customerFacts(book(), created, '2027-02-28').tenureYears).to.equal(2.99);
    const leap = { policyNumbers: [], createdAt: '2024-02-28T16:00:00.000Z' };
    // Created on 29 February (China): its anniversary in 2025 is the 28th.
    expect(customerFacts(book(), leap, '2025-02-28').tenureYears).to.equal(1);
    expect(customerFacts(book(), leap, '2025-02-27').tenureYears).to.equal(0.99);
  });

  it('reads a golden customer record as it is', () => {
    const golden = sampleGoldenCustomer() as unknown as FactsCustomer;
    // Created 2019-06-01 (China), one motor policy in force.
    expect(customerFacts(book(), golden, '2027-03-01')).to.include({
      annualPremium: 3860.5,
      tenureYears: 7.74,
      productsHeld: 1,
      claimsCount: 1,
      claimsPaid: 500,
      lossRatio: 0.5195,
    });
  });

  it('gives a customer with nothing known zeros and no loss ratio', () => {
    expect(customerFacts(new LossRatioBook(), { policyNumbers: ['PNOTHING'] }, '2027-03-01')).to.deep.equal({
      annualPremium: 0,
      tenureYears: 0,
      productsHeld: 0,
      productLines: [],
      claimsCount: 0,
      claimsPaid: 0,
      lossRatio: null,
    });
  });
});
