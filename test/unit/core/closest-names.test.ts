import { expect } from 'chai';
import { closestNames } from '../../../src/core/closest-names.js';

const known = ['crmhub.customer.Customer', 'crmhub.policy.Policy', 'crmhub.claim.Claim'];

describe('closestNames', () => {
  it('finds a full name from a mistyped short name, a wrong case or a mistyped namespace', () => {
    expect(closestNames('Custmer', known)).to.deep.equal(['crmhub.customer.Customer']);
    expect(closestNames('crmhub.customer.customer', known)).to.deep.equal(['crmhub.customer.Customer']);
    expect(closestNames('crmhub.custome.Customer', known)).to.deep.equal(['crmhub.customer.Customer']);
  });

  it('suggests nothing for a name too far from every known one', () => {
    expect(closestNames('Invoice', known)).to.deep.equal([]);
  });

  it('orders by distance, then by name, and keeps at most `limit`', () => {
    expect(closestNames('cat', ['bat', 'cart', 'hat', 'cat'], 3)).to.deep.equal(['cat', 'bat', 'cart']);
  });
});
