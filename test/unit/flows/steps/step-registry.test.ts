import { expect } from 'chai';
import { compileConfigSchema } from '../../../../src/platform/config/config-schema-compiler.js';
import type { StepDefinition } from '../../../../src/flows/flow-step.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';

describe('step registry', () => {
  it('lists every built-in step type', () => {
    expect(createStepRegistry().types()).to.deep.equal([
      'filter',
      'map',
      'enrich',
      'split',
      'dedupe',
      'aggregate',
      'join',
      'timeout',
      'route',
      'validate',
      'set-key',
      'log',
    ]);
  });

  it('gives each step type with a spec the flow compiler accepts (strict ajv, defaults applied)', () => {
    const registry = createStepRegistry();
    for (const type of registry.types()) {
      const definition = registry.get(type);
      expect(definition?.type).to.equal(type);
      expect(definition?.description.length).to.be.greaterThan(20);
      expect(() => compileConfigSchema(definition?.spec as object), type).not.to.throw();
    }
  });

  it('applies the defaults its specs declare', () => {
    const registry = createStepRegistry();
    const aggregate = { groupBy: 'dealerCode', window: { tumbling: '1d' }, measures: { complaints: { count: true } } };
    compileConfigSchema(registry.get('aggregate')?.spec as object)(aggregate);
    expect(aggregate).to.deep.include({ emit: 'final' });
    const enrich = { as: 'score', http: { url: 'https://risk.example.com/scores/{customerId}' } };
    compileConfigSchema(registry.get('enrich')?.spec as object)(enrich);
    expect(enrich).to.deep.equal({
      as: 'score',
      required: false,
      http: { url: 'https://risk.example.com/scores/{customerId}', timeoutMs: 5000, cacheTtlSeconds: 300, allowPrivateNetworks: false },
    });
  });

  it('is a new registry each time, to which extra steps can be added or a built-in replaced', () => {
    const audit: StepDefinition = {
      type: 'audit',
      description: 'test step',
      spec: { type: 'string' },
      compile: () => ({ run: (message) => [message] }),
    };
    const quietLog: StepDefinition = {
      type: 'log',
      description: 'silent',
      spec: { type: 'string' },
      compile: () => ({ run: (message) => [message] }),
    };
    const extended = createStepRegistry([audit, quietLog]);
    expect(extended.get('audit')).to.equal(audit);
    expect(extended.get('log')).to.equal(quietLog);
    expect(createStepRegistry().get('audit')).to.equal(undefined);
    expect(createStepRegistry().get('log')).not.to.equal(quietLog);
  });
});
