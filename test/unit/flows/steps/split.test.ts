import { expect } from 'chai';
import { splitStep } from '../../../../src/flows/steps/split.js';
import { samplePolicy, sampleServiceRequest } from '../../../fixtures/sample-records.js';
import { compileStep, failureOf, messageOf, run } from './step-harness.js';

const request = (changes: Record<string, unknown> = {}) =>
  messageOf('service.request.v1', { ...sampleServiceRequest(), ...changes }, 'SR20261123000157', 'crmhub.service.ServiceRequest');

describe('split step', () => {
  it('gives one message per element, the element as value and the record type of the elements', async () => {
    const { step, issues } = await compileStep(splitStep, 'partsRequested', { input: 'ServiceRequest' });
    expect(issues).to.deep.equal([]);
    expect(step.outputType?.name).to.equal('crmhub.service.PartRequest');
    const out = await run(step, request());
    expect(out.map((message) => [message.key, message.value, message.schemaName])).to.deep.equal([
      ['SR20261123000157', { partNumber: 'CMP-35-INV', quantity: 1 }, 'crmhub.service.PartRequest'],
      ['SR20261123000157', { partNumber: 'CAP-35UF', quantity: 2 }, 'crmhub.service.PartRequest'],
    ]);
  });

  it('keeps the value with "as", and keys each message with "key" checked against the new value', async () => {
    const { step, issues } = await compileStep(
      splitStep,
      { expression: 'partsRequested', as: 'part', key: 'ticketNumber & "/" & part.partNumber' },
      { input: 'ServiceRequest' },
    );
    expect(issues).to.deep.equal([]);
    expect(step.outputType).to.equal(undefined);
    const out = await run(step, request());
    expect(out.map((message) => message.key)).to.deep.equal(['SR20261123000157/CMP-35-INV', 'SR20261123000157/CAP-35UF']);
    expect(out[1]?.value).to.deep.include({ ticketNumber: 'SR20261123000157', part: { partNumber: 'CAP-35UF', quantity: 2 } });
    expect(out[1]?.schemaName).to.equal(undefined);
  });

  it('checks the key expression against the element record', async () => {
    const { issues } = await compileStep(splitStep, { expression: 'insured', key: 'idNumbr' }, { input: 'Policy' });
    expect(issues).to.deep.equal([
      {
        path: ['key'],
        code: 'FIELD_UNKNOWN',
        message: 'field idNumbr is not in crmhub.common.PartyRef; did you mean idNumber?',
        offset: 0,
      },
    ]);
  });

  it('gives nothing for an empty or missing list and one message for a single value', async () => {
    const { step } = await compileStep(splitStep, 'partsRequested', { input: 'ServiceRequest' });
    expect(await run(step, request({ partsRequested: [] }))).to.deep.equal([]);
    const { step: insured } = await compileStep(splitStep, 'insured[customerId = "C440300000123"]', { input: 'Policy' });
    expect(await run(insured, messageOf('policy.policy.v1', samplePolicy()))).to.have.length(1);
    expect(await run(insured, messageOf('policy.policy.v1', { ...samplePolicy(), insured: [] }))).to.deep.equal([]);
  });

  it('fails, not retriable, when an element cannot be a value', async () => {
    const { step } = await compileStep(splitStep, 'partsRequested.partNumber', { input: 'ServiceRequest' });
    const error = await failureOf(step, request());
    expect(error).to.include({
      code: 'FLOW_SPLIT_ELEMENT_INVALID',
      retriable: false,
      message: 'split: element 0 is a string; without "as" each element becomes a message value and must be an object',
    });
  });
});
