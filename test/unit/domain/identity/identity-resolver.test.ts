import { expect } from 'chai';
import { nameBasedUuid } from '../../../../src/core/name-based-uuid.js';
import { IdentityError } from '../../../../src/domain/identity/identity-error.js';
import { IdentityResolver, type MemberRecord, type ResolutionOutcome } from '../../../../src/domain/identity/identity-resolver.js';
import type { IdentifierKind } from '../../../../src/domain/identity/identity-observation.js';
import { residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';
import { day, observe } from './observation-builder.js';

const ZHANG_WEI = residentIdNumber('440305', '1985-03-12', 13);
const LI_NA = residentIdNumber('440305', '1987-06-30', 24);
const MOBILE = '13812345678';
const OTHER_MOBILE = '13987654321';

function golden(resolver: IdentityResolver, key: string): string {
  const member = resolver.member(key);
  if (member === undefined) expect.fail(`no member ${key}`);
  return member.goldenId;
}

function serialized(resolver: IdentityResolver): MemberRecord[] {
  return JSON.parse(JSON.stringify([...resolver.memberRecords()])) as MemberRecord[];
}

function goldensOf(resolver: IdentityResolver): unknown {
  return JSON.parse(JSON.stringify([...resolver.goldenRecords()].sort((a, b) => (a.goldenId < b.goldenId ? -1 : 1))));
}

describe('identity resolver', () => {
  describe('linking', () => {
    const cases: [IdentifierKind, string, number][] = [
      ['residentId', ZHANG_WEI, 1],
      ['policyNumber', 'PDAA202644030000012345', 0.95],
      ['mobile', MOBILE, 0.9],
      ['plate', '粤B12345', 0.85],
      ['email', 'zhang.wei@example.com.cn', 0.85],
    ];
    for (const [kind, value, confidence] of cases) {
      it(`links by ${kind} with confidence ${confidence}`, () => {
        const resolver = new IdentityResolver();
        const first = resolver.resolve(observe('policy-admin', 'P1', { [kind]: value }, { fullName: '张伟' }, { at: day(1) }));
        const second = resolver.resolve(observe('service-desk', 'T1', { [kind]: value }, { fullName: '张伟' }, { at: day(2) }));
        expect(second.goldenId).to.equal(first.goldenId);
        expect(resolver.member('service-desk:T1')).to.include({ matchedOn: kind, confidence });
        expect(resolver.goldenCount).to.equal(1);
        expect(second.events).to.deep.equal([]);
      });
    }

    it('takes a mobile, plate or e-mail held by too many records for a placeholder: it links no further record, which gets a CONFLICT naming why', () => {
      const resolver = new IdentityResolver({ maxRecordsPerSharedIdentifier: 3 });
      const PLACEHOLDER = '13800138000';
      // Records without names (walk-in callers): nothing tells them apart but the one phone they all give.
      const outcomes = Array.from({ length: 6 }, (_, i) =>
        resolver.resolve(observe('service-desk', `T${i}`, { mobile: PLACEHOLDER }, {}, { at: day(i + 1) })),
      );
      expect(
        new Set(outcomes.slice(0, 3).map((outcome) => outcome.goldenId)).size,
        'the first three linked by it, before it was known for one',
      ).to.equal(1);
      expect(new Set(outcomes.map((outcome) => outcome.goldenId)).size, 'the fourth, fifth and sixth stay on their own').to.equal(4);
      expect(outcomes[2]!.events).to.deep.equal([]);
      expect(outcomes[3]!.events).to.deep.equal([
        {
          eventType: 'CONFLICT',
          goldenId: outcomes[3]!.goldenId,
          otherGoldenId: null,
          memberKey: 'service-desk:T3',
          rule: 'mobile',
          confidence: 0.9,
          reason: 'the mobile is held by 3 or more other records: taken for a placeholder, it links nobody',
          occurredAt: day(4),
        },
      ]);
      // Another identifier still links: the sixth caller's resident ID number finds his own record.
      resolver.resolve(observe('crm', 'C9', { residentId: ZHANG_WEI }, { fullName: '张伟' }, { at: day(10) }));
      const linked = resolver.resolve(
        observe('service-desk', 'T5', { mobile: PLACEHOLDER, residentId: ZHANG_WEI }, { fullName: '张伟' }, { at: day(11) }),
      );
      expect(linked.goldenId).to.equal(golden(resolver, 'crm:C9'));
      expect(golden(resolver, 'service-desk:T0'), "and is not folded into the placeholder's customer").to.not.equal(linked.goldenId);
    });

    it("checks a nameless record's household links against the customer its strong links say it is: a claim on a plate two owners had does not fold the person into the company", () => {
      const resolver = new IdentityResolver();
      resolver.resolve(observe('crm', 'C1', { residentId: ZHANG_WEI }, { fullName: '张伟' }, { at: day(1) }));
      resolver.resolve(observe('policy-admin', 'P1', { systemRef: 'crm:C1', plate: '粤B12345' }, { fullName: '张伟' }, { at: day(2) }));
      resolver.resolve(observe('policy-admin', 'P2', { plate: '粤B12345' }, { fullName: '深圳市前海微众科技有限公司' }, { at: day(3) }));
      expect(golden(resolver, 'policy-admin:P2'), 'the names differ, so the plate alone did not link them').to.not.equal(
        golden(resolver, 'crm:C1'),
      );
      // The claim carries no name, only the claimant's CRM number and the car's plate.
      const claim = resolver.resolve(observe('claims', 'R1', { systemRef: 'crm:C1', plate: '粤B12345' }, {}, { at: day(4) }));
      expect(claim.goldenId).to.equal(golden(resolver, 'crm:C1'));
      expect(golden(resolver, 'policy-admin:P2'), 'the company stays a customer of its own').to.not.equal(claim.goldenId);
      expect(claim.events.map((event) => [event.eventType, event.rule, event.reason])).to.deep.equal([
        ['CONFLICT', 'plate', "the records share only an identifier a household may share, and their names are different people's"],
      ]);
      // A nameless record reaching both only by the plate: nothing says whose it is, so it merges neither into the other.
      const anonymous = resolver.resolve(observe('service-desk', 'T1', { plate: '粤B12345' }, {}, { at: day(5) }));
      expect(anonymous.events.filter((event) => event.eventType === 'MERGED')).to.deep.equal([]);
      expect(anonymous.events.map((event) => event.reason)).to.include(
        'the member has no name and shares only household identifiers with records of different people: nothing tells which one it belongs to',
      );
      expect(new Set([golden(resolver, 'crm:C1'), golden(resolver, 'policy-admin:P2'), anonymous.goldenId]).size).to.equal(3);
      // With only one person behind the plate, a nameless record still links to them.
      resolver.resolve(observe('policy-admin', 'P3', { plate: '粤B99999' }, { fullName: '李娜' }, { at: day(6) }));
      expect(resolver.resolve(observe('service-desk', 'T2', { plate: '粤B99999' }, {}, { at: day(7) })).goldenId).to.equal(
        golden(resolver, 'policy-admin:P3'),
      );
    });

    it('never takes a resident ID number or a system reference for a placeholder, however many records carry it', () => {
      const resolver = new IdentityResolver({ maxRecordsPerSharedIdentifier: 2 });
      for (let i = 0; i < 5; i++)
        resolver.resolve(
          observe('claims', `R${i}`, { residentId: ZHANG_WEI, systemRef: 'crm:C1' }, { fullName: '张伟' }, { at: day(i + 1) }),
        );
      expect(resolver.goldenCount).to.equal(1);
    });

    it('keeps the default limit at 50 other records', () => {
      const resolver = new IdentityResolver();
      const ids = Array.from(
        { length: 52 },
        (_, i) => resolver.resolve(observe('service-desk', `T${i}`, { plate: '粤B00000' }, {}, { at: day(1) })).goldenId,
      );
      expect(new Set(ids.slice(0, 50)).size).to.equal(1);
      expect(new Set(ids.slice(50)).size, 'the 51st and 52nd on their own').to.equal(2);
      expect(ids[50]).to.not.equal(ids[0]);
    });

    it('links by a CRM id other systems reference, before and after the CRM record arrives', () => {
      const resolver = new IdentityResolver();
      resolver.resolve(observe('erp', 'ERP-1', { systemRef: 'crm:C1' }, {}, { at: day(1) }));
      resolver.resolve(observe('claims', 'R1', { systemRef: 'crm:C1' }, {}, { at: day(2) }));
      resolver.resolve(observe('crm', 'C1', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(3) }));
      expect(resolver.goldenCount).to.equal(1);
      expect(resolver.member('claims:R1')).to.include({ matchedOn: 'systemRef', confidence: 1 });
      expect(resolver.member('crm:C1')).to.include({ matchedOn: 'systemRef', confidence: 1 });
      expect(resolver.find({ kind: 'systemRef', value: 'crm:C1' })).to.equal(golden(resolver, 'erp:ERP-1'));
    });

    it('gives a record with no identifier but its own its own golden record, with an id named after it', () => {
      const resolver = new IdentityResolver();
      const outcome = resolver.resolve(observe('claims', 'R1'));
      expect(outcome.goldenId).to.equal(nameBasedUuid('claims:R1'));
      expect(outcome.changedMembers.map((member) => member.key)).to.deep.equal(['claims:R1']);
      expect(outcome.changedGoldens).to.have.length(1);
      expect(outcome.changedGoldens[0]).to.include({ goldenId: outcome.goldenId, status: 'ACTIVE', createdAt: '2026-01-01T00:00:00.000Z' });
      expect(resolver.member('claims:R1')).to.include({ matchedOn: 'new', confidence: 1 });
    });

    it('links a CRM merge to the surviving customer by rule sourceMerge', () => {
      const resolver = new IdentityResolver();
      resolver.resolve(observe('crm', 'C1', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) }));
      resolver.resolve(observe('crm', 'C2', { mobile: OTHER_MOBILE }, { fullName: '张伟' }, { at: day(2) }));
      expect(resolver.goldenCount).to.equal(2);
      const outcome = resolver.resolve(
        observe('crm', 'C2', { mobile: OTHER_MOBILE }, { fullName: '张伟' }, { at: day(3), mergedInto: 'crm:C1' }),
      );
      expect(resolver.goldenCount).to.equal(1);
      expect(outcome.events).to.deep.equal([
        {
          eventType: 'MERGED',
          goldenId: nameBasedUuid('crm:C1'),
          otherGoldenId: nameBasedUuid('crm:C2'),
          memberKey: 'crm:C2',
          rule: 'sourceMerge',
          confidence: 1,
          reason: 'the source system merged the records',
          occurredAt: day(3),
        },
      ]);
    });
  });

  describe('merging golden records', () => {
    it('merges the records an observation bridges into the oldest, publishing the loser as MERGED with one event', () => {
      const resolver = new IdentityResolver();
      const a = resolver.resolve(
        observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) }),
      ).goldenId;
      const b = resolver.resolve(observe('crm', 'C2', { email: 'zw@163.com' }, { fullName: '张伟' }, { at: day(2) })).goldenId;
      expect(a).not.to.equal(b);
      const outcome = resolver.resolve(
        observe('service-desk', 'T1', { mobile: MOBILE, systemRef: 'crm:C2' }, { fullName: '张伟' }, { at: day(3) }),
      );
      expect(outcome.goldenId).to.equal(a);
      expect(outcome.events).to.deep.equal([
        {
          eventType: 'MERGED',
          goldenId: a,
          otherGoldenId: b,
          memberKey: 'service-desk:T1',
          rule: 'systemRef',
          confidence: 1,
          reason: 'the records share a systemRef identifier',
          occurredAt: day(3),
        },
      ]);
      const loser = outcome.changedGoldens.find((record) => record.goldenId === b);
      expect(loser).to.include({ status: 'MERGED', mergedIntoGoldenId: a });
      expect(outcome.changedGoldens.find((record) => record.goldenId === a)?.members.map((member) => member.systemId)).to.deep.equal([
        'C1',
        'C2',
        'T1',
      ]);
      expect(outcome.changedMembers.map((member) => member.key)).to.deep.equal(['crm:C2', 'service-desk:T1']);
      // The loser's founder now belongs to the survivor by the link that merged it.
      expect(resolver.member('crm:C2')).to.include({ goldenId: a, matchedOn: 'systemRef', confidence: 1 });
      expect(resolver.golden(b)?.status).to.equal('MERGED');
      expect(resolver.activeGoldenId(b)).to.equal(a);
      expect(resolver.goldenCount).to.equal(1);
    });

    it('follows chains of redirects', () => {
      const resolver = new IdentityResolver();
      const [a, b, c] = ['C1', 'C2', 'C3'].map(
        (id, index) => resolver.resolve(observe('crm', id, { email: `${id}@163.com` }, {}, { at: day(index + 1) })).goldenId,
      ) as [string, string, string];
      resolver.resolve(observe('erp', 'E1', { systemRef: ['crm:C2', 'crm:C3'] }, {}, { at: day(4) }));
      resolver.resolve(observe('erp', 'E2', { systemRef: ['crm:C1', 'crm:C2'] }, {}, { at: day(5) }));
      expect(resolver.golden(c)?.mergedIntoGoldenId).to.equal(b);
      expect(resolver.activeGoldenId(c)).to.equal(a);
      expect(resolver.activeGoldenId('no-such-id')).to.equal(undefined);
    });
  });

  describe('hard conflict on resident ID numbers', () => {
    it('refuses to link a household sharing a phone and reports the conflict', () => {
      const resolver = new IdentityResolver();
      const husband = resolver.resolve(
        observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) }),
      ).goldenId;
      const outcome = resolver.resolve(observe('crm', 'C2', { residentId: LI_NA, mobile: MOBILE }, { fullName: '李娜' }, { at: day(2) }));
      expect(outcome.goldenId).not.to.equal(husband);
      expect(outcome.events).to.have.length(1);
      expect(outcome.events[0]).to.include({
        eventType: 'CONFLICT',
        goldenId: outcome.goldenId,
        otherGoldenId: husband,
        memberKey: 'crm:C2',
        rule: 'mobile',
        confidence: 0.9,
      });
      expect(resolver.findAll({ kind: 'mobile', value: MOBILE })).to.have.members([husband, outcome.goldenId]);
      expect(resolver.find({ kind: 'mobile', value: MOBILE })).to.equal(undefined);
    });

    it('refuses even a strong link, and sends the record to the golden record with its resident ID', () => {
      const resolver = new IdentityResolver();
      const husband = resolver.resolve(observe('crm', 'C1', { residentId: ZHANG_WEI }, { fullName: '张伟' }, { at: day(1) })).goldenId;
      const wife = resolver.resolve(observe('crm', 'C2', { residentId: LI_NA }, { fullName: '李娜' }, { at: day(2) })).goldenId;
      // A policy of hers that the policy system wrongly matched to his CRM customer.
      const outcome = resolver.resolve(
        observe('policy-admin', 'P1', { residentId: LI_NA, systemRef: 'crm:C1', plate: '粤B12345' }, { fullName: '李娜' }, { at: day(3) }),
      );
      expect(outcome.goldenId).to.equal(wife);
      expect(outcome.events.map((event) => [event.eventType, event.otherGoldenId, event.rule])).to.deep.equal([
        ['CONFLICT', husband, 'systemRef'],
      ]);
    });

    it('sends a record without a resident ID that links two of them to the one its strongest link or its name points at, or to neither', () => {
      const resolver = new IdentityResolver({ nameCheckedIdentifiers: [] });
      const husband = resolver.resolve(
        observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) }),
      ).goldenId;
      const wife = resolver.resolve(
        observe('crm', 'C2', { residentId: LI_NA, mobile: MOBILE }, { fullName: '李娜' }, { at: day(2) }),
      ).goldenId;
      resolver.resolve(
        observe('policy-admin', 'P1', { residentId: LI_NA, policyNumber: 'P1', plate: '粤B12345' }, { fullName: '李娜' }, { at: day(3) }),
      );
      resolver.resolve(
        observe(
          'policy-admin',
          'P2',
          { residentId: ZHANG_WEI, policyNumber: 'P2', plate: '粤B12345' },
          { fullName: '张伟' },
          { at: day(4) },
        ),
      );
      // Her claim: the policy number outweighs the shared plate.
      const claim = resolver.resolve(observe('claims', 'R1', { policyNumber: 'P1', plate: '粤B12345' }, {}, { at: day(5) }));
      expect(claim.goldenId).to.equal(wife);
      expect(claim.events.map((event) => [event.eventType, event.otherGoldenId, event.rule])).to.deep.equal([
        ['CONFLICT', husband, 'plate'],
      ]);
      // A call from the shared phone, signed by him.
      expect(resolver.resolve(observe('service-desk', 'T1', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(6) })).goldenId).to.equal(
        husband,
      );
      // An anonymous call from the shared phone: nothing tells whose.
      const anonymous = resolver.resolve(observe('service-desk', 'T2', { mobile: MOBILE }, {}, { at: day(7) }));
      expect([husband, wife]).not.to.include(anonymous.goldenId);
      expect(anonymous.events.map((event) => event.otherGoldenId)).to.have.members([husband, wife]);
      expect(anonymous.events[0]?.reason).to.match(/different resident ID numbers/);
    });

    it('refuses a link by a shared phone alone when the names are clearly different people', () => {
      const resolver = new IdentityResolver();
      const owner = resolver.resolve(
        observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: MOBILE }, { fullName: '黄杰' }, { at: day(1) }),
      ).goldenId;
      const caller = resolver.resolve(observe('service-desk', 'T1', { mobile: MOBILE }, { fullName: '欧阳玉兰' }, { at: day(2) }));
      expect(caller.goldenId).not.to.equal(owner);
      expect(caller.events[0]).to.include({ eventType: 'CONFLICT', otherGoldenId: owner, rule: 'mobile' });
      // Her next call joins her first, and a homophone typo of his name still joins him.
      expect(
        resolver.resolve(observe('service-desk', 'T2', { mobile: MOBILE }, { fullName: '欧阳玉兰' }, { at: day(3) })).goldenId,
      ).to.equal(caller.goldenId);
      expect(resolver.resolve(observe('service-desk', 'T3', { mobile: MOBILE }, { fullName: '黄洁' }, { at: day(4) })).goldenId).to.equal(
        owner,
      );
    });

    it('detaches a member corrected to another resident ID from the record it no longer belongs to', () => {
      const resolver = new IdentityResolver();
      const first = resolver.resolve(
        observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) }),
      ).goldenId;
      resolver.resolve(observe('policy-admin', 'P1', { residentId: ZHANG_WEI, policyNumber: 'P1' }, { fullName: '张伟' }, { at: day(2) }));
      const corrected = resolver.resolve(
        observe('policy-admin', 'P1', { residentId: LI_NA, policyNumber: 'P1' }, { fullName: '李娜' }, { at: day(3) }),
      );
      expect(corrected.goldenId).not.to.equal(first);
      expect(corrected.events.map((event) => event.eventType)).to.deep.equal(['UNMERGED']);
      expect(corrected.events[0]).to.include({ goldenId: first, otherGoldenId: corrected.goldenId });
    });
  });

  describe('weak match by name and birth date', () => {
    const passport = { fullName: 'John Smith', birthDate: '1980-05-01', idType: 'PASSPORT', idNumber: 'E12345678' };

    it('links with the weak confidence when no identifier matches', () => {
      const resolver = new IdentityResolver();
      const first = resolver.resolve(observe('crm', 'C1', { mobile: MOBILE }, passport, { at: day(1) })).goldenId;
      const second = resolver.resolve(observe('crm', 'C2', { mobile: OTHER_MOBILE }, passport, { at: day(2) }));
      expect(second.goldenId).to.equal(first);
      expect(resolver.member('crm:C2')).to.include({ matchedOn: 'nameBirthDate', confidence: 0.7 });
    });

    it('does not link below the minimum confidence, when disabled, or across resident ID numbers', () => {
      for (const weakMatch of [{ confidence: 0.5 }, { enabled: false }]) {
        const resolver = new IdentityResolver({ weakMatch });
        resolver.resolve(observe('crm', 'C1', {}, passport, { at: day(1) }));
        resolver.resolve(observe('crm', 'C2', {}, passport, { at: day(2) }));
        expect(resolver.goldenCount, JSON.stringify(weakMatch)).to.equal(2);
      }
      const resolver = new IdentityResolver({ weakMatch: { confidence: 0.65 } });
      resolver.resolve(observe('crm', 'C1', { residentId: ZHANG_WEI }, { fullName: '张伟', birthDate: '1985-03-12' }, { at: day(1) }));
      resolver.resolve(
        observe(
          'crm',
          'C2',
          { residentId: residentIdNumber('110105', '1985-03-12', 15) },
          { fullName: '张伟', birthDate: '1985-03-12' },
          { at: day(2) },
        ),
      );
      expect(resolver.goldenCount).to.equal(2);
      resolver.resolve(observe('crm', 'C3', {}, { fullName: '张伟', birthDate: '1985-03-12' }, { at: day(3) }));
      // Two candidates: a name and birth date do not say which.
      expect(resolver.goldenCount).to.equal(3);
    });
  });

  describe('splitting', () => {
    it('splits off a member that lost its only link when a phone changed, with an UNMERGED event', () => {
      const resolver = new IdentityResolver();
      const customer = resolver.resolve(
        observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) }),
      ).goldenId;
      expect(resolver.resolve(observe('service-desk', 'T1', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(2) })).goldenId).to.equal(
        customer,
      );
      const changed = resolver.resolve(
        observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: OTHER_MOBILE }, { fullName: '张伟' }, { at: day(3) }),
      );
      expect(changed.goldenId).to.equal(customer);
      const ticket = golden(resolver, 'service-desk:T1');
      expect(ticket).not.to.equal(customer);
      expect(changed.events).to.deep.equal([
        {
          eventType: 'UNMERGED',
          goldenId: customer,
          otherGoldenId: ticket,
          memberKey: 'crm:C1',
          rule: 'split',
          confidence: 1,
          reason: 'no identifier left in common with the rest of the golden record',
          occurredAt: day(3),
        },
      ]);
      expect(changed.changedGoldens.map((record) => record.goldenId)).to.have.members([customer, ticket]);
      expect(resolver.member('service-desk:T1')).to.include({ matchedOn: 'new', confidence: 1 });
      // A call from the new number joins the customer again.
      expect(
        resolver.resolve(observe('service-desk', 'T2', { mobile: OTHER_MOBILE }, { fullName: '张伟' }, { at: day(4) })).goldenId,
      ).to.equal(customer);
    });

    it('keeps members that still hang together through another member', () => {
      const resolver = new IdentityResolver();
      const customer = resolver.resolve(observe('crm', 'C1', { mobile: MOBILE, email: 'zw@163.com' }, {}, { at: day(1) })).goldenId;
      resolver.resolve(observe('service-desk', 'T1', { mobile: MOBILE }, {}, { at: day(2) }));
      resolver.resolve(observe('erp', 'E1', { systemRef: 'crm:C1', email: 'zw@163.com' }, {}, { at: day(3) }));
      const changed = resolver.resolve(observe('crm', 'C1', { email: 'zw@163.com' }, {}, { at: day(4) }));
      expect(changed.events.map((event) => event.eventType)).to.deep.equal(['UNMERGED']);
      expect(golden(resolver, 'erp:E1')).to.equal(customer);
      expect(golden(resolver, 'service-desk:T1')).not.to.equal(customer);
    });
  });

  describe('manual unmerge', () => {
    it('gives the member its own golden record and never links it back automatically', () => {
      const resolver = new IdentityResolver();
      const customer = resolver.resolve(observe('crm', 'C1', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) })).goldenId;
      resolver.resolve(observe('service-desk', 'T1', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(2) }));
      const outcome = resolver.unmerge('service-desk:T1', day(3));
      expect(outcome.goldenId).not.to.equal(customer);
      expect(outcome.events).to.deep.equal([
        {
          eventType: 'UNMERGED',
          goldenId: customer,
          otherGoldenId: outcome.goldenId,
          memberKey: 'service-desk:T1',
          rule: 'manual',
          confidence: 1,
          reason: 'separated by a data steward',
          occurredAt: day(3),
        },
      ]);
      expect(resolver.member('service-desk:T1')).to.deep.include({ matchedOn: 'manual', separatedFrom: ['crm:C1'] });
      // Newer events of either side do not merge them again.
      const ticketAgain = resolver.resolve(observe('service-desk', 'T1', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(4) }));
      const customerAgain = resolver.resolve(
        observe('crm', 'C1', { mobile: MOBILE, email: 'zw@163.com' }, { fullName: '张伟' }, { at: day(5) }),
      );
      expect(ticketAgain.goldenId).to.equal(outcome.goldenId);
      expect(customerAgain.goldenId).to.equal(customer);
      expect([...ticketAgain.events, ...customerAgain.events].map((event) => event.eventType)).not.to.include('MERGED');
      // Nor does a third record holding the same phone: it joins one and reports the other.
      const third = resolver.resolve(observe('service-desk', 'T2', { mobile: MOBILE }, { fullName: '张伟' }, { at: day(6) }));
      expect(third.goldenId).to.equal(customer);
      expect(third.events).to.have.length(1);
      expect(third.events[0]).to.include({
        eventType: 'CONFLICT',
        otherGoldenId: outcome.goldenId,
        reason: 'a data steward separated these records',
      });
      expect(resolver.goldenCount).to.equal(2);
    });

    it('refuses an unknown member and does nothing to a member alone', () => {
      const resolver = new IdentityResolver();
      expect(() => resolver.unmerge('crm:nobody', day(1))).to.throw(IdentityError, /no member crm:nobody/);
      resolver.resolve(observe('crm', 'C1'));
      expect(resolver.unmerge('crm:C1', day(1))).to.deep.equal({
        goldenId: nameBasedUuid('crm:C1'),
        changedMembers: [],
        changedGoldens: [],
        events: [],
      });
    });
  });

  describe('replay and state', () => {
    const history = [
      observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: MOBILE }, { fullName: '张伟' }, { at: day(1) }),
      observe('crm', 'C2', { residentId: LI_NA, mobile: MOBILE }, { fullName: '李娜' }, { at: day(2) }),
      observe('policy-admin', 'P1', { residentId: ZHANG_WEI, policyNumber: 'P1', plate: '粤B12345' }, { fullName: '张伟' }, { at: day(3) }),
      observe('claims', 'R1', { policyNumber: 'P1', plate: '粤B12345' }, {}, { at: day(4) }),
      observe('service-desk', 'T1', { mobile: MOBILE }, { fullName: '李娜' }, { at: day(5) }),
      observe('crm', 'C1', { residentId: ZHANG_WEI, mobile: OTHER_MOBILE }, { fullName: '张伟' }, { at: day(6) }),
    ];

    it('yields no change and no event when the same observations come again', () => {
      const resolver = new IdentityResolver();
      for (const observation of history) resolver.resolve(observation);
      const before = goldensOf(resolver);
      for (const observation of history) {
        expect(resolver.resolve(observation), observation.systemId).to.deep.equal({
          goldenId: golden(resolver, `${observation.system}:${observation.systemId}`),
          changedMembers: [],
          changedGoldens: [],
          events: [],
        } satisfies ResolutionOutcome);
      }
      expect(goldensOf(resolver)).to.deep.equal(before);
    });

    it('keeps the newest observation of a member, taking an older one late only into its history', () => {
      const resolver = new IdentityResolver();
      resolver.resolve(observe('crm', 'C1', { mobile: OTHER_MOBILE }, { fullName: '张伟' }, { at: day(6) }));
      const late = resolver.resolve(observe('crm', 'C1', { mobile: MOBILE }, { fullName: '张大伟' }, { at: day(1) }));
      expect(late.events).to.deep.equal([]);
      const member = resolver.member('crm:C1') as MemberRecord;
      expect(member.attributes.fullName).to.equal('张伟');
      expect(member.firstSeenAt).to.equal(day(1));
      expect(member.recentEvents.map((event) => event.occurredAt)).to.deep.equal([day(6), day(1)]);
      expect(resolver.golden(member.goldenId)?.createdAt).to.equal(day(1));
    });

    it('keeps at most 5 events per member and 10 per golden record, newest first', () => {
      const resolver = new IdentityResolver();
      for (let n = 1; n <= 7; n++) resolver.resolve(observe('crm', 'C1', { mobile: MOBILE }, {}, { at: day(n) }));
      for (let n = 1; n <= 7; n++) resolver.resolve(observe('service-desk', 'T1', { mobile: MOBILE }, {}, { at: day(n + 10) }));
      const member = resolver.member('crm:C1') as MemberRecord;
      expect(member.recentEvents.map((event) => event.occurredAt)).to.deep.equal([7, 6, 5, 4, 3].map(day));
      const record = resolver.golden(member.goldenId);
      expect(record?.recentEvents.map((event) => event.occurredAt)).to.deep.equal([17, 16, 15, 14, 13, 7, 6, 5, 4, 3].map(day));
    });

    it('restores from member records read back as JSON to the same golden records, and goes on the same way', () => {
      const original = new IdentityResolver();
      for (const observation of history.slice(0, 4)) original.resolve(observation);
      const restored = new IdentityResolver();
      restored.restore(serialized(original), JSON.parse(JSON.stringify([...original.mergedGoldenRecords()])));
      expect(goldensOf(restored)).to.deep.equal(goldensOf(original));
      expect([restored.memberCount, restored.goldenCount]).to.deep.equal([original.memberCount, original.goldenCount]);
      for (const observation of history.slice(4)) expect(restored.resolve(observation)).to.deep.equal(original.resolve(observation));
      expect(goldensOf(restored)).to.deep.equal(goldensOf(original));
    });

    it('refuses member records that are not its own', () => {
      expect(() => new IdentityResolver().restore([{ key: 'crm:C1', system: 'crm', systemId: 'C2' } as MemberRecord])).to.throw(
        IdentityError,
        /not a member record/,
      );
    });
  });
});
