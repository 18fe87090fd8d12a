import { expect } from 'chai';
import { filterStep } from '../../../../src/flows/steps/filter.js';
import { sampleCustomer, samplePolicy } from '../../../fixtures/sample-records.js';
import { compileStep, failureOf, messageOf, run, specAccepts } from './step-harness.js';

const customer = (changes: Record<string, unknown> = {}) =>
  messageOf('crm.customer.v1', { ...sampleCustomer(), ...changes }, 'C440300000123', 'crmhub.customer.Customer');

describe('filter step', () => {
  it('keeps messages whose condition is true and drops the others, synchronously on the fast path', async () => {
    const { step, issues } = await compileStep(filterStep, 'status = "ACTIVE" and valueSegment in ["GOLD", "PLATINUM"]', {
      input: 'Customer',
    });
    expect(issues).to.deep.equal([]);
    const active = customer();
    const result = step.run(active);
    expect(result).to.deep.equal([active]);
    expect(step.run(customer({ status: 'MERGED' }))).to.deep.equal([]);
    expect(step.run(customer({ valueSegment: 'SILVER' }))).to.deep.equal([]);
    expect(step.outputType?.name).to.equal('crmhub.customer.Customer');
  });

  it('reads conditions as JSONata does: missing fields are false, non-empty values true', async () => {
    const { step } = await compileStep(filterStep, { expression: 'email' }, { input: 'Customer' });
    expect(await run(step, customer())).to.have.length(1);
    expect(await run(step, customer({ email: null }))).to.deep.equal([]);
    const { step: mobiles } = await compileStep(filterStep, 'phones[type = "MOBILE" and $mobileValid(number)]', { input: 'Customer' });
    expect(await run(mobiles, customer())).to.have.length(1);
    expect(await run(mobiles, customer({ phones: [{ type: 'WORK', number: '0755-86001234', primary: true }] }))).to.deep.equal([]);
  });

  it('does not change the message it is given', async () => {
    const { step } = await compileStep(filterStep, '$residentIdValid(holder.idNumber)', { input: 'Policy' });
    const message = messageOf('policy.policy.v1', samplePolicy(), 'PDAA202644030000012345');
    const before = JSON.stringify(message);
    await run(step, message);
    expect(JSON.stringify(message)).to.equal(before);
  });

  it('reports problems of the condition where they are, with the character', async () => {
    const { issues } = await compileStep(filterStep, 'status = "ACTIVE" and segmnt = "VIP"', { input: 'Customer' });
    expect(issues).to.deep.equal([
      { path: [], code: 'FIELD_UNKNOWN', message: 'field segmnt is not in crmhub.customer.Customer', offset: 22 },
    ]);
    const { issues: syntax } = await compileStep(filterStep, { expression: 'status = ' }, { input: 'Customer' });
    expect(syntax).to.deep.equal([
      { path: ['expression'], code: 'EXPRESSION_INVALID', message: 'Unexpected end of expression', offset: 9 },
    ]);
  });

  it('fails a message the condition cannot be evaluated on, not retriable', async () => {
    const { step } = await compileStep(filterStep, 'premium.amount > 1000', { input: 'Policy' });
    const error = await failureOf(step, messageOf('policy.policy.v1', samplePolicy()));
    expect(error).to.include({ code: 'FLOW_EXPRESSION_FAILED', retriable: false });
  });

  it('accepts the condition alone or as { expression }', () => {
    expect(specAccepts(filterStep, 'status = "ACTIVE"')).to.equal(true);
    expect(specAccepts(filterStep, { expression: 'status = "ACTIVE"' })).to.equal(true);
    expect(specAccepts(filterStep, { expresion: 'status = "ACTIVE"' })).to.equal(false);
    expect(specAccepts(filterStep, '')).to.equal(false);
  });
});
