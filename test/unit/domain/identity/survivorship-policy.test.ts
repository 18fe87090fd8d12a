import { Ajv } from 'ajv';
import { expect } from 'chai';
import { IdentityResolver } from '../../../../src/domain/identity/identity-resolver.js';
import { effectiveResolverOptions, identityResolutionSchema } from '../../../../src/domain/identity/resolver-options.js';
import { survivorshipChooser, survivorshipPolicy } from '../../../../src/domain/identity/survivorship-policy.js';
import { day, observe } from './observation-builder.js';

describe('survivorship', () => {
  // One person in three systems: the CRM is most trusted but oldest, the service desk newest.
  function resolved(options: ConstructorParameters<typeof IdentityResolver>[0] = {}) {
    const resolver = new IdentityResolver(options);
    resolver.resolve(
      observe(
        'crm',
        'C1',
        { mobile: '13812345678' },
        { fullName: '张伟', email: 'old@163.com', birthDate: '1985-03-12', idType: 'RESIDENT_ID', idNumber: 'crm-number' },
        { at: day(1) },
      ),
    );
    resolver.resolve(
      observe(
        'policy-admin',
        'P1',
        { systemRef: 'crm:C1' },
        { fullName: '张 伟 (policy)', idType: 'PASSPORT', idNumber: 'policy-number', email: 'policy@163.com' },
        { at: day(2) },
      ),
    );
    const outcome = resolver.resolve(
      observe('service-desk', 'T1', { mobile: '13812345678' }, { fullName: '张玮', mobile: '13812345678', email: '' }, { at: day(3) }),
    );
    return outcome.changedGoldens[0];
  }

  it('by default takes who a person is from the most trusted system and contact details from the most recent', () => {
    const golden = resolved();
    expect(golden).to.include({
      fullName: '张伟',
      idNumber: 'crm-number',
      idType: 'RESIDENT_ID',
      birthDate: '1985-03-12',
      mobile: '13812345678',
      email: 'policy@163.com',
    });
    expect(golden?.fieldSources).to.deep.equal({
      fullName: 'crm',
      idNumber: 'crm',
      idType: 'crm',
      birthDate: 'crm',
      mobile: 'service-desk',
      email: 'policy-admin',
    });
  });

  it('never lets an empty value win: the newest e-mail is empty, so the one before it wins', () => {
    expect(resolved()?.email).to.equal('policy@163.com');
  });

  it('follows the configured default strategy, per-field overrides and trust order', () => {
    const recent = resolved({ survivorship: { defaultStrategy: 'mostRecent', fields: { idNumber: 'mostTrusted' } } });
    expect(recent).to.include({ fullName: '张玮', idNumber: 'crm-number', idType: 'RESIDENT_ID' });
    expect(recent?.fieldSources.fullName).to.equal('service-desk');
    const policyFirst = resolved({ survivorship: { trustOrder: ['policy-admin', 'crm'], fields: {} } });
    // The document type goes with the number, from the same member.
    expect(policyFirst).to.include({ fullName: '张 伟 (policy)', idNumber: 'policy-number', idType: 'PASSPORT', email: 'policy@163.com' });
    expect(policyFirst?.fieldSources).to.include({ fullName: 'policy-admin', email: 'policy-admin', mobile: 'service-desk' });
  });

  it('breaks ties by the other criterion, then by member key, whatever the order of the candidates', () => {
    const choose = survivorshipChooser(survivorshipPolicy({ trustOrder: ['crm'] }));
    const candidates = [
      { system: 'claims', memberKey: 'claims:B', observedAt: day(2), value: 'b' },
      { system: 'claims', memberKey: 'claims:A', observedAt: day(2), value: 'a' },
      { system: 'erp', memberKey: 'erp:C', observedAt: day(1), value: 'c' },
    ];
    expect(choose('fullName', candidates)?.value).to.equal('a');
    expect(choose('fullName', [...candidates].reverse())?.value).to.equal('a');
    expect(choose('fullName', [{ system: 'crm', memberKey: 'crm:D', observedAt: day(3), value: null }])).to.equal(undefined);
  });

  it('declares its defaults once, in the JSON Schema the hub config embeds', () => {
    expect(identityResolutionSchema.properties.survivorship.properties.trustOrder.default).to.deep.equal([
      'crm',
      'policy-admin',
      'erp',
      'claims',
      'service-desk',
    ]);
    expect(effectiveResolverOptions()).to.deep.include({
      survivorship: {
        defaultStrategy: 'mostTrusted',
        trustOrder: ['crm', 'policy-admin', 'erp', 'claims', 'service-desk'],
        fields: { mobile: 'mostRecent', email: 'mostRecent', address: 'mostRecent' },
      },
      weakMatch: { enabled: true, confidence: 0.7, minConfidence: 0.6 },
      ruleConfidence: { residentId: 1, systemRef: 1, policyNumber: 0.95, mobile: 0.9, plate: 0.85, email: 0.85 },
    });
    expect(effectiveResolverOptions({ ruleConfidence: { plate: 0.5 } }).ruleConfidence.plate).to.equal(0.5);
  });

  it('has a schema ajv compiles, whose defaults are the options the resolver uses, and which refuses unknown strategies', () => {
    // Embedded as a property of the hub config, as its root default says.
    const validate = new Ajv({ strict: true, useDefaults: true }).compile({
      type: 'object',
      properties: { identity: identityResolutionSchema },
    });
    const config: { identity?: unknown } = {};
    expect(validate(config), JSON.stringify(validate.errors)).to.equal(true);
    const { nameCheckedIdentifiers, ...rest } = effectiveResolverOptions();
    expect(config.identity).to.deep.equal({ ...rest, nameCheckedIdentifiers: [...nameCheckedIdentifiers] });
    expect(validate({ identity: { survivorship: { fields: { fullName: 'loudest' } } } })).to.equal(false);
    expect(validate({ identity: { weakMatch: { confidence: 1.5 } } })).to.equal(false);
  });
});
