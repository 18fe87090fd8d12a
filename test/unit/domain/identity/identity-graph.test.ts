import { expect } from 'chai';
import { IdentityGraph } from '../../../../src/domain/identity/identity-graph.js';
import { identifierKey } from '../../../../src/domain/identity/member-index.js';
import { memberRecord } from './member-record-builder.js';

const MOBILE = { kind: 'mobile', value: '13812345678' } as const;
const RESIDENT = { kind: 'residentId', value: '440305198503120013' } as const;

describe('identity graph', () => {
  it('groups members by golden id, and a member stored again under another id leaves its old group, which stops being active when emptied', () => {
    const graph = new IdentityGraph();
    graph.store(memberRecord('crm:C1', 'G1', [MOBILE]));
    graph.store(memberRecord('claims:R1', 'G1', [MOBILE]));
    expect([...graph.memberKeysOf('G1')]).to.deep.equal(['crm:C1', 'claims:R1']);
    expect(graph.activeGoldenCount).to.equal(1);

    graph.store(memberRecord('crm:C1', 'G2'));
    expect([...graph.memberKeysOf('G1')]).to.deep.equal(['claims:R1']);
    expect(graph.membersOf('G2').map((member) => member.key)).to.deep.equal(['crm:C1']);
    graph.store(memberRecord('claims:R1', 'G2'));
    expect(graph.isActive('G1')).to.equal(false);
    expect([...graph.activeGoldenIds()]).to.deep.equal(['G2']);
    expect(graph.memberKeysOf('G1').size).to.equal(0);
    expect(graph.memberCount).to.equal(2);
  });

  it('indexes only the identifiers a member holds now', () => {
    const graph = new IdentityGraph();
    graph.store(memberRecord('crm:C1', 'G1', [MOBILE]));
    expect([...graph.holdersOf(identifierKey('mobile', MOBILE.value))]).to.deep.equal(['crm:C1']);
    graph.store(memberRecord('crm:C1', 'G1', [RESIDENT]));
    expect(graph.holdersOf(identifierKey('mobile', MOBILE.value)).size).to.equal(0);
    expect(graph.goldenIdsHolding(RESIDENT)).to.deep.equal(['G1']);
    expect(graph.goldenIdsHolding(MOBILE)).to.deep.equal([]);
  });

  it('finds every golden record holding an identifier, sorted, and not one whose member holds it only through its source merge', () => {
    const graph = new IdentityGraph();
    graph.store(memberRecord('crm:C2', 'G2', [MOBILE]));
    graph.store(memberRecord('crm:C1', 'G1', [MOBILE]));
    graph.store(memberRecord('crm:C3', 'G3', [], {}, { mergedInto: 'crm:C1' }));
    expect(graph.goldenIdsHolding(MOBILE)).to.deep.equal(['G1', 'G2']);
    expect(graph.goldenIdsHolding({ kind: 'systemRef', value: 'crm:C1' })).to.deep.equal(['G1']);
    expect([...graph.holdersOf(identifierKey('systemRef', 'crm:C1'))].sort()).to.deep.equal(['crm:C1', 'crm:C3']);
  });

  it("answers a golden record's creation time, resident ID number and names from its members", () => {
    const graph = new IdentityGraph();
    graph.store(memberRecord('crm:C1', 'G1', [], { fullName: '张伟' }, { firstSeenAt: '2026-01-05T00:00:00.000Z' }));
    graph.store(memberRecord('claims:R1', 'G1', [RESIDENT], { fullName: '张伟' }, { firstSeenAt: '2026-01-02T00:00:00.000Z' }));
    graph.store(memberRecord('erp:E1', 'G1', [], { fullName: 'ZHANG WEI' }, { firstSeenAt: '2026-01-09T00:00:00.000Z' }));
    expect(graph.createdAtOf('G1')).to.equal('2026-01-02T00:00:00.000Z');
    expect(graph.residentIdOf('G1')).to.equal(RESIDENT.value);
    expect(graph.namesOf('G1')).to.deep.equal(['张伟', 'ZHANG WEI']);
    expect(graph.createdAtOf('G9')).to.equal('');
    expect(graph.residentIdOf('G9')).to.equal(undefined);
  });

  it('knows a separation by hand from either side', () => {
    const graph = new IdentityGraph();
    graph.store(memberRecord('crm:C1', 'G1'));
    graph.store(memberRecord('claims:R1', 'G2', [], {}, { separatedFrom: ['crm:C1'] }));
    graph.store(memberRecord('erp:E1', 'G3'));
    expect(graph.separated('crm:C1', 'claims:R1')).to.equal(true);
    expect(graph.separated('claims:R1', 'crm:C1')).to.equal(true);
    expect(graph.separated('crm:C1', 'erp:E1')).to.equal(false);
    expect(graph.anySeparated(new Set(['crm:C1', 'erp:E1']), graph.memberKeysOf('G2'))).to.equal(true);
    expect(graph.anySeparated(new Set(['erp:E1']), graph.memberKeysOf('G2'))).to.equal(false);
  });

  it('forgets everything on clear', () => {
    const graph = new IdentityGraph();
    graph.store(memberRecord('crm:C1', 'G1', [MOBILE]));
    graph.clear();
    expect(graph.memberCount).to.equal(0);
    expect(graph.activeGoldenCount).to.equal(0);
    expect(graph.holdersOf(identifierKey('mobile', MOBILE.value)).size).to.equal(0);
  });
});
