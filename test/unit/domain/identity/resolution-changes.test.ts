import { expect } from 'chai';
import { GoldenRecords } from '../../../../src/domain/identity/golden-records.js';
import { IdentityGraph } from '../../../../src/domain/identity/identity-graph.js';
import { ResolutionChanges } from '../../../../src/domain/identity/resolution-changes.js';
import { survivorshipChooser, survivorshipPolicy } from '../../../../src/domain/identity/survivorship-policy.js';
import { memberRecord } from './member-record-builder.js';

function state() {
  const graph = new IdentityGraph();
  const goldens = new GoldenRecords(survivorshipChooser(survivorshipPolicy()));
  return { graph, goldens, changes: () => new ResolutionChanges(graph, goldens) };
}

describe('resolution changes', () => {
  it('reports new members and the golden records they form, in key order, and makes those records the stored ones', () => {
    const { graph, goldens, changes } = state();
    const first = changes();
    first.storeMember(memberRecord('crm:C2', 'G1', [], { fullName: '张伟' }));
    first.storeMember(memberRecord('crm:C1', 'G1'));
    const outcome = first.commit('crm:C1');
    expect(outcome.goldenId).to.equal('G1');
    expect(outcome.changedMembers.map((member) => member.key)).to.deep.equal(['crm:C1', 'crm:C2']);
    expect(outcome.changedGoldens.map((golden) => [golden.goldenId, golden.fullName, golden.members.length])).to.deep.equal([
      ['G1', '张伟', 2],
    ]);
    expect(goldens.stored('G1')).to.equal(outcome.changedGoldens[0]);
    expect(graph.memberCount).to.equal(2);
  });

  it('reports nothing for a member stored again with the same content, even in another key order', () => {
    const { changes } = state();
    const first = changes();
    first.storeMember(memberRecord('crm:C1', 'G1', [], { fullName: '张伟', gender: 'M' }));
    first.commit('crm:C1');
    const again = changes();
    again.storeMember(memberRecord('crm:C1', 'G1', [], { gender: 'M', fullName: '张伟' }));
    expect(again.commit('crm:C1')).to.deep.equal({ goldenId: 'G1', changedMembers: [], changedGoldens: [], events: [] });
  });

  it('compares with the state before the first change of the call: a member changed and changed back is not reported', () => {
    const { changes } = state();
    const setup = changes();
    setup.storeMember(memberRecord('crm:C1', 'G1'));
    setup.commit('crm:C1');
    const call = changes();
    call.storeMember(memberRecord('crm:C1', 'G2'));
    call.storeMember(memberRecord('crm:C1', 'G1'));
    const outcome = call.commit('crm:C1');
    expect(outcome.changedMembers).to.deep.equal([]);
    expect(outcome.changedGoldens).to.deep.equal([]);
  });

  it('drops the active record of a golden id left without members, and reports the merged-away record kept for it', () => {
    const { graph, goldens, changes } = state();
    const setup = changes();
    setup.storeMember(memberRecord('crm:C1', 'G1'));
    setup.storeMember(memberRecord('crm:C2', 'G2'));
    setup.commit('crm:C1');
    const emptied = changes();
    emptied.storeMember(memberRecord('crm:C2', 'G1'));
    const outcome = emptied.commit('crm:C2');
    expect(graph.isActive('G2')).to.equal(false);
    expect(goldens.stored('G2'), 'not merged away: nothing is kept').to.equal(undefined);
    expect(outcome.changedGoldens.map((golden) => golden.goldenId)).to.deep.equal(['G1']);

    const merged = changes();
    merged.touchGolden('G1');
    merged.storeMember(memberRecord('crm:C1', 'G3'));
    merged.storeMember(memberRecord('crm:C2', 'G3'));
    const record = goldens.stored('G1');
    goldens.retire({ ...record!, status: 'MERGED', mergedIntoGoldenId: 'G3', members: [] });
    merged.raise({
      eventType: 'MERGED',
      goldenId: 'G3',
      otherGoldenId: 'G1',
      memberKey: 'crm:C1',
      rule: 'mobile',
      confidence: 0.9,
      reason: 'test',
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
    const mergedOutcome = merged.commit('crm:C1');
    expect(mergedOutcome.changedGoldens.map((golden) => [golden.goldenId, golden.status])).to.deep.equal([
      ['G1', 'MERGED'],
      ['G3', 'ACTIVE'],
    ]);
    expect(mergedOutcome.events.map((event) => event.eventType)).to.deep.equal(['MERGED']);
    expect([...goldens.activeRecords()].map((golden) => golden.goldenId)).to.deep.equal(['G3']);
  });
});
