import { expect } from 'chai';
import { IdentityGraph } from '../../../../src/domain/identity/identity-graph.js';
import { LinkCandidateFinder, stronger } from '../../../../src/domain/identity/link-candidates.js';
import { effectiveResolverOptions, type ResolverOptionsInput } from '../../../../src/domain/identity/resolver-options.js';
import type { MemberRecord } from '../../../../src/domain/identity/member-record.js';
import { memberRecord } from './member-record-builder.js';

const MOBILE = { kind: 'mobile', value: '13812345678' } as const;
const POLICY = { kind: 'policyNumber', value: 'PDAA202644030000012345' } as const;

function finder(members: MemberRecord[], options: ResolverOptionsInput = {}) {
  const graph = new IdentityGraph();
  for (const member of members) graph.store(member);
  return new LinkCandidateFinder(graph, effectiveResolverOptions(options));
}

function summary(found: ReturnType<LinkCandidateFinder['find']>) {
  return {
    accepted: found.accepted.map((candidate) => [candidate.goldenId, candidate.link.rule]),
    refused: found.refused.map(({ candidate, reason }) => [candidate.goldenId, reason]),
    placeholders: found.placeholders,
  };
}

describe('link candidates', () => {
  it('ranks the records a member links to by the strongest link to each, and gives each its creation time', () => {
    const candidates = finder([
      memberRecord('crm:C1', 'G1', [MOBILE], {}, { firstSeenAt: '2026-01-03T00:00:00.000Z' }),
      memberRecord('claims:R1', 'G2', [POLICY, MOBILE], {}, { firstSeenAt: '2026-01-02T00:00:00.000Z' }),
    ]).find(memberRecord('erp:E1', '', [MOBILE, POLICY]), undefined);
    expect(summary(candidates).accepted).to.deep.equal([
      ['G2', 'policyNumber'],
      ['G1', 'mobile'],
    ]);
    expect(candidates.accepted.map((candidate) => candidate.createdAt)).to.deep.equal([
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
  });

  it("refuses a link by a household identifier alone when the names are different people's, but not when the member has none", () => {
    const household = [memberRecord('crm:C1', 'G1', [MOBILE], { fullName: '黄杰' })];
    expect(
      summary(finder(household).find(memberRecord('service-desk:T1', '', [MOBILE], { fullName: '欧阳玉兰' }), undefined)),
    ).to.deep.equal({
      accepted: [],
      refused: [['G1', "the records share only an identifier a household may share, and their names are different people's"]],
      placeholders: [],
    });
    expect(summary(finder(household).find(memberRecord('service-desk:T1', '', [MOBILE]), undefined)).accepted).to.deep.equal([
      ['G1', 'mobile'],
    ]);
    expect(
      summary(
        finder(household, { nameCheckedIdentifiers: [] }).find(
          memberRecord('service-desk:T1', '', [MOBILE], { fullName: '欧阳玉兰' }),
          undefined,
        ),
      ).accepted,
    ).to.deep.equal([['G1', 'mobile']]);
  });

  it('refuses a record with another resident ID number, and one holding a member separated from it by hand', () => {
    const candidates = finder([
      memberRecord('crm:C1', 'G1', [MOBILE, { kind: 'residentId', value: '440305198503120013' }]),
      memberRecord('crm:C2', 'G2', [POLICY]),
      memberRecord('crm:C3', 'G2', [], {}, { separatedFrom: ['erp:E1'] }),
    ]).find(memberRecord('erp:E1', '', [MOBILE, POLICY, { kind: 'residentId', value: '440305198706300024' }]), undefined);
    expect(summary(candidates)).to.deep.equal({
      accepted: [],
      refused: [
        ['G2', 'a data steward separated these records'],
        ['G1', 'the records carry different resident ID numbers'],
      ],
      placeholders: [],
    });
  });

  it('does not link a member to one separated from it by hand at all', () => {
    const found = finder([memberRecord('crm:C2', 'G2', [POLICY], {}, { separatedFrom: ['erp:E1'] })]).find(
      memberRecord('erp:E1', '', [POLICY]),
      undefined,
    );
    expect(summary(found)).to.deep.equal({ accepted: [], refused: [], placeholders: [] });
  });

  it('does not look past an identifier held by the limit of other records: it names the kind instead', () => {
    const holders = ['T1', 'T2'].map((id) => memberRecord(`service-desk:${id}`, `G-${id}`, [MOBILE]));
    expect(
      summary(finder(holders, { maxRecordsPerSharedIdentifier: 2 }).find(memberRecord('crm:C1', '', [MOBILE]), undefined)),
    ).to.deep.equal({
      accepted: [],
      refused: [],
      placeholders: ['mobile'],
    });
    expect(
      summary(finder(holders, { maxRecordsPerSharedIdentifier: 3 }).find(memberRecord('crm:C1', '', [MOBILE]), undefined)).accepted,
    ).to.have.length(2);
  });

  it('links a member with nothing else by the weak rule to the one record with its name and birth date, unless the rule is off', () => {
    const person = { fullName: '张伟', birthDate: '1985-03-12' };
    const members = [memberRecord('crm:C1', 'G1', [], person)];
    const member = memberRecord('erp:E1', '', [], person);
    expect(summary(finder(members).find(member, undefined)).accepted).to.deep.equal([['G1', 'nameBirthDate']]);
    expect(summary(finder(members, { weakMatch: { enabled: false } }).find(member, undefined)).accepted).to.deep.equal([]);
    expect(
      summary(finder(members, { weakMatch: { confidence: 0.5 } }).find(member, undefined)).accepted,
      'below minConfidence',
    ).to.deep.equal([]);
    const twoOfThem = [...members, memberRecord('crm:C2', 'G2', [], person)];
    expect(summary(finder(twoOfThem).find(member, undefined)).accepted, 'two records: nothing tells which').to.deep.equal([]);
  });

  it('orders equally confident links by rule', () => {
    expect(stronger({ rule: 'systemRef', confidence: 1 }, { rule: 'residentId', confidence: 1 })).to.equal(true);
    expect(stronger({ rule: 'residentId', confidence: 1 }, { rule: 'systemRef', confidence: 1 })).to.equal(false);
    expect(stronger({ rule: 'email', confidence: 0.9 }, { rule: 'systemRef', confidence: 0.8 })).to.equal(true);
  });
});
