import { expect } from 'chai';
import { HubError } from '../../../../src/core/hub-error.js';
import { selectRenewals } from '../../../../src/domain/customer-view/renewals/renewal-selection.js';
import { policyOf } from './customer-view-records.js';

describe('selectRenewals', () => {
  // Last days from 2027-03-01 (day 0) on.
  const policies = [
    policyOf({ policyNumber: 'P-YESTERDAY', expiryDate: '2027-02-28' }),
    policyOf({ policyNumber: 'P-DAY0', expiryDate: '2027-03-01' }),
    policyOf({ policyNumber: 'P-DAY60-B', expiryDate: '2027-04-30' }),
    policyOf({ policyNumber: 'P-DAY60-A', expiryDate: '2027-04-30' }),
    policyOf({ policyNumber: 'P-DAY61', expiryDate: '2027-05-01' }),
    policyOf({ policyNumber: 'P-DAY10', expiryDate: '2027-03-11' }),
    policyOf({ policyNumber: 'P-CANCELLED', expiryDate: '2027-03-05', status: 'CANCELLED' }),
    policyOf({ policyNumber: 'P-LAPSED', expiryDate: '2027-03-05', status: 'LAPSED' }),
    policyOf({ policyNumber: 'P-PENDING', expiryDate: '2027-03-05', status: 'PENDING' }),
    policyOf({ policyNumber: 'P-EXPIRED', expiryDate: '2027-03-05', status: 'EXPIRED' }),
  ];

  it('takes IN_FORCE policies whose last day is from today to N days ahead, both included, soonest first', () => {
    const selected = selectRenewals(policies, '2027-03-01', 60);
    expect(selected.map((candidate) => [candidate.policy.policyNumber, candidate.daysToExpiry])).to.deep.equal([
      ['P-DAY0', 0],
      ['P-DAY10', 10],
      ['P-DAY60-A', 60],
      ['P-DAY60-B', 60],
    ]);
    expect(selected[0]?.policy).to.equal(policies[1]);
  });

  it('reads any iterable and takes a window of zero days as today only', () => {
    expect(selectRenewals(new Set(policies).values(), '2027-03-01', 0).map((candidate) => candidate.policy.policyNumber)).to.deep.equal([
      'P-DAY0',
    ]);
    expect(selectRenewals([], '2027-03-01', 60)).to.deep.equal([]);
  });

  it('refuses a window that is not a whole number of days', () => {
    for (const days of [-1, 1.5, Number.NaN])
      expect(() => selectRenewals(policies, '2027-03-01', days)).to.throw(HubError, /renewal window/);
  });
});
