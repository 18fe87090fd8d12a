import { expect } from 'chai';
import { setKeyStep } from '../../../../src/flows/steps/set-key.js';
import { sampleInventoryItem, samplePolicy } from '../../../fixtures/sample-records.js';
import { compileStep, failureOf, messageOf, run, specAccepts } from './step-harness.js';

describe('set-key step', () => {
  it('sets the key from an expression, leaving the value as it was', async () => {
    const { step, issues } = await compileStep(setKeyStep, 'partNumber & "@" & warehouseCode', { input: 'InventoryItem' });
    expect(issues).to.deep.equal([]);
    const message = messageOf('scm.inventory.v1', sampleInventoryItem(), null, 'crmhub.inventory.InventoryItem');
    const [out] = await run(step, message);
    expect(out?.key).to.equal('52119-06983@WH-SZ-01');
    expect(out?.value).to.equal(message.value);
    expect(message.key).to.equal(null);
  });

  it('writes numbers as JSONata does', async () => {
    const { step } = await compileStep(setKeyStep, { expression: 'onHand - reserved' }, { input: 'InventoryItem' });
    expect((await run(step, messageOf('scm.inventory.v1', sampleInventoryItem())))[0]?.key).to.equal('37');
  });

  it('fails, not retriable, when the key is missing or not a single value', async () => {
    const { step } = await compileStep(setKeyStep, 'holder.customerId', { input: 'Policy' });
    const policy = samplePolicy();
    const missing = await failureOf(
      step,
      messageOf('policy.policy.v1', { ...policy, holder: { ...(policy.holder as object), customerId: null } }),
    );
    expect(missing).to.include({ code: 'FLOW_KEY_MISSING', message: 'set-key: the expression gave no value', retriable: false });
    const { step: list } = await compileStep(setKeyStep, 'insured', { input: 'Policy' });
    const invalid = await failureOf(list, messageOf('policy.policy.v1', policy));
    expect(invalid).to.include({ code: 'FLOW_KEY_INVALID', retriable: false });
  });

  it('reports unknown fields with the character', async () => {
    const { issues } = await compileStep(setKeyStep, 'partNumber & "@" & warehouseCod', { input: 'InventoryItem' });
    expect(issues).to.deep.equal([
      {
        path: [],
        code: 'FIELD_UNKNOWN',
        message: 'field warehouseCod is not in crmhub.inventory.InventoryItem; did you mean warehouseCode?',
        offset: 19,
      },
    ]);
    expect(specAccepts(setKeyStep, { expression: 'partNumber' })).to.equal(true);
    expect(specAccepts(setKeyStep, 42)).to.equal(false);
  });
});
