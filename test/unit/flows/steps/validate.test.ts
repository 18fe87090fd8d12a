import { expect } from 'chai';
import { FlowValidationError } from '../../../../src/flows/steps/flow-validation-error.js';
import { validateStep } from '../../../../src/flows/steps/validate.js';
import { sampleClaim, sampleCustomer, samplePolicy } from '../../../fixtures/sample-records.js';
import { compileStep, failureOf, messageOf, run, specAccepts } from './step-harness.js';

const customer = (changes: Record<string, unknown> = {}) =>
  messageOf('crm.customer.v1', { ...sampleCustomer(), ...changes }, 'C440300000123', 'crmhub.customer.Customer');

const customerRules = {
  rules: [
    { rule: 'residentId', field: 'idNumber' },
    { rule: 'mobile', field: 'phones[].number' },
    { rule: 'email', field: 'email' },
    { rule: 'notBlank', field: 'fullName' },
  ],
};

describe('validate step', () => {
  it('passes a message that meets every rule', async () => {
    const { step, issues } = await compileStep(
      validateStep,
      { rules: [customerRules.rules[0], customerRules.rules[2], customerRules.rules[3]] },
      { input: 'Customer' },
    );
    expect(issues).to.deep.equal([]);
    const message = customer();
    expect(await run(step, message)).to.deep.equal([message]);
  });

  it('fails a message naming every failing field and rule, never the values', async () => {
    const { step } = await compileStep(validateStep, customerRules, { input: 'Customer' });
    const bad = customer({ idNumber: '440305198503120000', email: 'zhang.wei@', fullName: '  ' });
    const error = await failureOf(step, bad);
    expect(error).to.be.instanceOf(FlowValidationError);
    expect(error).to.include({ code: 'FLOW_VALIDATION_FAILED', retriable: false });
    // The work number in phones[1] is not a mobile number either.
    expect(error.message).to.equal('validation failed: idNumber: residentId; phones[1].number: mobile; email: email; fullName: notBlank');
    for (const value of ['440305198503120000', '0755-86001234', 'zhang.wei@']) expect(error.message).not.to.contain(value);
    expect((error as FlowValidationError).failures).to.deep.include({ field: 'phones[1].number', rule: 'mobile' });
  });

  it('lets a missing value pass format rules but not notBlank', async () => {
    const { step } = await compileStep(validateStep, customerRules, { input: 'Customer' });
    const error = await failureOf(step, customer({ email: null, fullName: null, phones: [] }));
    expect(error.message).to.equal('validation failed: fullName: notBlank');
  });

  it('checks plates and nested fields of policies and claims', async () => {
    const { step } = await compileStep(
      validateStep,
      {
        rules: [
          { rule: 'plate', field: 'vehicle.plate' },
          { rule: 'residentId', field: 'insured.idNumber' },
        ],
      },
      { input: 'Policy' },
    );
    expect(await run(step, messageOf('policy.policy.v1', samplePolicy()))).to.have.length(1);
    const error = await failureOf(
      step,
      messageOf('policy.policy.v1', { ...samplePolicy(), vehicle: { ...(samplePolicy().vehicle as object), plate: '粤O12345' } }),
    );
    expect(error.message).to.equal('validation failed: vehicle.plate: plate');
    const { step: claims } = await compileStep(validateStep, { rules: [{ rule: 'plate', field: 'vehiclePlate' }] }, { input: 'Claim' });
    expect(await run(claims, messageOf('claims.claim.v1', sampleClaim()))).to.have.length(1);
  });

  it('checks a JSON Schema too, naming fields by path and what the schema wants', async () => {
    const schema = {
      type: 'object',
      required: ['customerId', 'email'],
      properties: {
        customerId: { type: 'string', pattern: '^C\\d{12}$' },
        email: { type: 'string', format: 'email' },
        phones: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', required: ['number'], properties: { type: {}, number: {}, primary: {} }, additionalProperties: false },
        },
      },
    };
    const { step, issues } = await compileStep(validateStep, { schema }, { input: 'Customer' });
    expect(issues).to.deep.equal([]);
    expect(await run(step, customer())).to.have.length(1);
    const error = await failureOf(step, customer({ customerId: 'X1', email: undefined, phones: [{ type: 'MOBILE', extension: '8021' }] }));
    expect(error.message).to.equal(
      'validation failed: email: is required; customerId: must match pattern "^C\\d{12}$"; phones[0].number: is required; phones[0].extension: unknown key "extension"; known keys: type, number, primary',
    );
    // A misspelt key is told once, as in config files, not also as the key it meant missing.
    const misspelt = await failureOf(step, customer({ phones: [{ type: 'MOBILE', numbr: '13812345678' }] }));
    expect((misspelt as FlowValidationError).failures).to.deep.equal([
      { field: 'phones[0].numbr', rule: 'unknown key "numbr"; did you mean "number"?' },
    ]);
  });

  it('reports unknown fields, an invalid JSON Schema and an unknown rule', async () => {
    const { issues } = await compileStep(
      validateStep,
      { schema: { type: 'object', properties: { a: { type: 'strnig' } } }, rules: [{ rule: 'mobile', field: 'phones.numbr' }] },
      { input: 'Customer' },
    );
    expect(issues).to.have.length(2);
    expect(issues[0]).to.include({ code: 'VALUE_INVALID' });
    expect(issues[0]?.path).to.deep.equal(['schema']);
    expect(issues[0]?.message).to.match(/^not a valid JSON Schema: /);
    expect(issues[1]).to.deep.equal({
      path: ['rules', 0, 'field'],
      code: 'FIELD_UNKNOWN',
      message: 'field numbr is not in crmhub.common.Phone; did you mean number?',
    });
    expect(specAccepts(validateStep, { rules: [{ rule: 'postcode', field: 'email' }] })).to.equal(false);
    expect(specAccepts(validateStep, {})).to.equal(false);
  });
});
