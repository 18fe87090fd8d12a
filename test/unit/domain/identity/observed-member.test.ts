import { expect } from 'chai';
import { IdentityError } from '../../../../src/domain/identity/identity-error.js';
import { isNewer, isoInstant, observedMember, withOlderObservation } from '../../../../src/domain/identity/observed-member.js';
import { day, observe } from './observation-builder.js';

describe('observed member', () => {
  const first = observe('crm', 'C1', { mobile: '13812345678', residentId: '440305198503120013' }, { fullName: '张伟' }, { at: day(2) });
  const member = observedMember('crm:C1', first, day(2), undefined);

  it('builds a member record with its identifiers deduplicated, its own systemRef first, the rest by kind then value', () => {
    const doubled = {
      ...first,
      identifiers: [...first.identifiers, { kind: 'mobile' as const, value: '13812345678' }, { kind: 'email' as const, value: 'a@b.cn' }],
    };
    expect(observedMember('crm:C1', doubled, day(2), undefined).identifiers.map((identifier) => identifier.kind)).to.deep.equal([
      'systemRef',
      'residentId',
      'mobile',
      'email',
    ]);
    expect(member).to.deep.include({ goldenId: '', matchedOn: 'new', confidence: 1, firstSeenAt: day(2), observedAt: day(2) });
  });

  it('keeps what placement decided and the earliest first sighting when a newer observation comes', () => {
    const placed = { ...member, goldenId: 'G1', matchedOn: 'mobile', confidence: 0.9, separatedFrom: ['erp:E1'] };
    const next = observedMember('crm:C1', observe('crm', 'C1', {}, {}, { at: day(5) }), day(5), placed);
    expect(next).to.deep.include({
      goldenId: 'G1',
      matchedOn: 'mobile',
      confidence: 0.9,
      firstSeenAt: day(2),
      observedAt: day(5),
      separatedFrom: ['erp:E1'],
    });
    expect(next.recentEvents.map((event) => event.occurredAt)).to.deep.equal([day(5), day(2)]);
  });

  it('orders observations by time, then by event id at the same instant', () => {
    expect(isNewer(day(3), first.event, member)).to.equal(true);
    expect(isNewer(day(1), first.event, member)).to.equal(false);
    expect(isNewer(day(2), first.event, member), 'the same event').to.equal(false);
    expect(isNewer(day(2), { ...first.event, eventId: `${first.event.eventId}~` }, member)).to.equal(true);
  });

  it('lets an older observation add only its event and an earlier first sighting, and a repeated one nothing', () => {
    expect(withOlderObservation(member, first.event, day(2))).to.equal(member);
    const older = observe('crm', 'C1', {}, { fullName: 'someone else' }, { at: day(1) });
    const kept = withOlderObservation(member, older.event, day(1));
    expect(kept).to.deep.include({ firstSeenAt: day(1), observedAt: day(2), attributes: member.attributes });
    expect(kept.recentEvents.map((event) => event.occurredAt)).to.deep.equal([day(2), day(1)]);
  });

  it('reads instants in any ISO form as the canonical one, and refuses what is not one', () => {
    expect(isoInstant('2026-01-02T08:00:00+08:00', 'observedAt')).to.equal('2026-01-02T00:00:00.000Z');
    expect(() => isoInstant('yesterday', 'at'))
      .to.throw(IdentityError, 'at must be an ISO instant')
      .with.property('code', 'IDENTITY_OBSERVATION_INVALID');
  });
});
