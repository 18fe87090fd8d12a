import { expect } from 'chai';
import { markAttempt } from '../../../../src/connect/runtime/dead-letter-attempt.js';

describe('attempt headers of a dead letter', () => {
  it('makes a replayed record failing on the topic it was replayed to the next attempt of the same dead letter', () => {
    const headers = {
      'correlation-id': 'c',
      'dlq-dead-letter-id': 'dlq.crm-main:0:4',
      'dlq-dead-letter-attempt': '3',
      'dlq-replayed-to': 'crm.customer.v1',
    };
    markAttempt(headers, 'crm.customer.v1');
    expect(headers).to.include({ 'dlq-dead-letter-id': 'dlq.crm-main:0:4', 'dlq-dead-letter-attempt': '4' });
  });

  it('leaves a first failure, and a record a flow derived from a replayed one, a dead letter of its own', () => {
    const first: Record<string, string> = { 'correlation-id': 'c' };
    markAttempt(first, 'crm.customer.v1');
    expect(first).to.deep.equal({ 'correlation-id': 'c' });
    const derived: Record<string, string> = {
      'dlq-dead-letter-id': 'dlq.crm-main:0:4',
      'dlq-dead-letter-attempt': '3',
      'dlq-replayed-to': 'crm.customer.v1',
    };
    markAttempt(derived, 'crm.renewal.v1');
    expect(derived).not.to.have.property('dlq-dead-letter-id');
    expect(derived).not.to.have.property('dlq-dead-letter-attempt');
  });
});
