import { expect } from 'chai';
import type { CustomerProfile } from '../../../../src/domain/customer-view/customer-directory.js';
import { customerTraceKeys } from '../../../../src/domain/customer-view/customer-trace-keys.js';

function profile(goldenId: string, members: [string, string][], policyNumbers: string[], mergedFrom: string[] = []): CustomerProfile {
  return {
    golden: { goldenId, policyNumbers },
    mergedFrom,
    crossReferences: members.map(([system, systemId]) => ({ system, systemId, matchedOn: 'RESIDENT_ID', confidence: 1 })),
    recentEvents: [],
    segment: null,
    risk: null,
  };
}

describe('customerTraceKeys', () => {
  it("gives the golden ids, each member's own key and cross-reference key, and the policies, once each", () => {
    const keys = customerTraceKeys([
      profile(
        'G-1',
        [
          ['crm', 'C1001'],
          ['policy-admin', 'P-9'],
          ['claims', 'CL-7'],
          ['service-desk', 'T-3'],
        ],
        ['P-9', 'P-10'],
        ['G-0'],
      ),
      profile('G-2', [['crm', 'C1002']], []),
    ]);
    expect(keys).to.have.members([
      'G-1',
      'G-0',
      'C1001',
      'crm@C1001',
      'P-9',
      'policy-admin@P-9',
      'CL-7',
      'claims@CL-7',
      'T-3',
      'service-desk@T-3',
      'P-10',
      'G-2',
      'C1002',
      'crm@C1002',
    ]);
    expect(new Set(keys).size).to.equal(keys.length);
  });

  it('has no keys when the lookup found nobody', () => {
    expect(customerTraceKeys([])).to.deep.equal([]);
  });
});
