import { expect } from 'chai';
import { caseDifferences, subsetDifferences } from '../../../../src/flows/flow-test-expectation.js';

describe('flow test expectations', () => {
  it('match values as subsets, naming each difference by path', () => {
    expect(
      subsetDifferences(
        { name: '张伟', address: { city: '深圳市' } },
        { name: '张伟', address: { city: '深圳市', street: 'x' }, extra: 1 },
        'v',
      ),
    ).to.deep.equal([]);
    expect(
      subsetDifferences(
        { name: '张伟', address: { city: '深圳市' }, phones: [{ number: '1' }] },
        { name: '王秀英', address: { province: '广东省' }, phones: [] },
        'v',
      ),
    ).to.deep.equal([
      'v.name: expected "张伟", got "王秀英"',
      'v.address.city: expected "深圳市", got no such field',
      'v.phones: expected a list of 1, got 0: []',
    ]);
    expect(subsetDifferences({ amount: '3860.50' }, { amount: 3860.5 }, 'v')).to.deep.equal(['v.amount: expected "3860.50", got 3860.5']);
  });

  it('require every output counted, and nothing at destinations the case does not name', () => {
    const differences = caseDifferences(
      {
        outputs: new Map([
          ['erp.customer.v1', [{ key: 'C1' }]],
          ['connector:erp-priority', []],
        ]),
        deadLetters: [{ code: 'FLOW_VALIDATION_FAILED', step: 'steps[1].validate' }],
      },
      {
        outputs: new Map([
          ['erp.customer.v1', [{ key: 'C2', value: {}, headers: {} }]],
          ['dw.customer.v1', [{ key: 'C1', value: { customerId: 'C1' }, headers: {} }]],
        ]),
        deadLetters: [{ key: 'C3', code: 'FLOW_VALIDATION_FAILED', step: 'steps[2].validate', message: 'idNumber is not valid' }],
      },
    );
    expect(differences).to.deep.equal([
      'erp.customer.v1[0].key: expected "C1", got "C2"',
      'dw.customer.v1: expected nothing (the case does not name it), got 1 message',
      '  got [0] key "C1" value {"customerId":"C1"}',
      'deadLetters[0].step: expected "steps[1].validate", got "steps[2].validate" (idNumber is not valid)',
    ]);
  });
});
