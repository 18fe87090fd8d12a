import { nameBasedUuid } from '../../core/name-based-uuid.js';
import type { GoldenRecords } from './golden-records.js';
import { memberResidentId, type IdentityGraph } from './identity-graph.js';
import type { IdentifierKind } from './identity-observation.js';
import { placeholderReason, type Link, type LinkCandidate, type LinkCandidateFinder, type RefusedLink } from './link-candidates.js';
import { linkKeys, nameBirthKey } from './member-index.js';
import type { MemberRecord } from './member-record.js';
import type { ResolutionChanges } from './resolution-changes.js';
import { linksByNameAndBirthDate, type EffectiveResolverOptions } from './resolver-options.js';
import { sameContent } from './same-content.js';
import { compareStrings } from './string-order.js';

const REASONS = {
  split: 'no identifier left in common with the rest of the golden record',
  detached: 'the member now carries a different resident ID number than the rest of its golden record',
  manual: 'separated by a data steward',
} as const;

/**
 * Where a member belongs and what that does to golden records: a member joins the golden record it
 * links to, merging those it bridges; a member that loses its last tie splits its record; a
 * contradicting resident ID number detaches it; a data steward separates it by hand. Refused links
 * are reported as CONFLICT events. Golden ids are name-based on the founding member's key, so
 * replaying the same observations yields the same ids.
 */
export class GoldenLifecycle {
  constructor(
    private readonly graph: IdentityGraph,
    private readonly goldens: GoldenRecords,
    private readonly candidates: LinkCandidateFinder,
    private readonly options: EffectiveResolverOptions,
  ) {}

  /** The active golden record an id stands for now, following MERGED redirects. */
  activeGoldenId(goldenId: string): string | undefined {
    let id: string | null = goldenId;
    for (let hops = 0; id !== null && hops <= this.goldens.mergedAwayCount; hops++) {
      if (this.graph.isActive(id)) return id;
      id = this.goldens.mergedAwayRecord(id)?.mergedIntoGoldenId ?? null;
    }
    return undefined;
  }

  /** A member seen for the first time: it joins the oldest golden record it may join and merges the others into it, or founds its own. */
  placeNewMember(changes: ResolutionChanges, member: MemberRecord, at: string): void {
    const { accepted, refused, placeholders } = this.candidates.find(member, undefined);
    const best = accepted[0];
    if (best === undefined) {
      changes.storeMember({ ...member, goldenId: this.newGoldenId(changes, member.key), matchedOn: 'new', confidence: 1 });
    } else {
      const survivor = oldest(accepted);
      changes.storeMember({ ...member, goldenId: survivor.goldenId, matchedOn: best.link.rule, confidence: best.link.confidence });
      for (const loser of accepted)
        if (loser !== survivor) this.merge(changes, loser.goldenId, survivor.goldenId, loser.link, member.key, at);
    }
    this.reportRefusals(changes, member.key, refused, at);
    this.reportPlaceholders(changes, member.key, placeholders, at);
  }

  /**
   * A newer observation of a known member: what it no longer shares may split its golden record, a
   * resident ID number it now carries that the record's others do not detaches it, and what it now
   * shares may merge golden records.
   */
  placeUpdatedMember(changes: ResolutionChanges, previous: MemberRecord, member: MemberRecord, at: string): void {
    changes.storeMember(member);
    const kept = new Set(this.tiesOf(member));
    if (this.tiesOf(previous).some((key) => !kept.has(key))) this.split(changes, previous.goldenId, member.key, at);
    this.detachOnResidentIdConflict(changes, this.graph.storedMember(member.key), at);
    const placed = this.graph.storedMember(member.key);
    const { accepted, refused, placeholders } = this.candidates.find(placed, placed.goldenId);
    const best = accepted[0];
    if (best !== undefined) {
      const participants: LinkCandidate[] = [
        { goldenId: placed.goldenId, link: best.link, residentId: undefined, createdAt: this.graph.createdAtOf(placed.goldenId) },
        ...accepted,
      ];
      const survivor = oldest(participants);
      for (const loser of participants)
        if (loser !== survivor) this.merge(changes, loser.goldenId, survivor.goldenId, loser.link, member.key, at);
    }
    // Refusals are news only when what the member links by changed; otherwise they were reported before.
    if (!sameContent(this.tiesOf(previous), this.tiesOf(member)) || previous.attributes.fullName !== member.attributes.fullName) {
      this.reportRefusals(changes, member.key, refused, at);
      this.reportPlaceholders(changes, member.key, placeholders, at);
    }
  }

  /** A data steward separates a member from the `others` of its golden record: it gets its own, never linked automatically with them again. */
  separateByHand(changes: ResolutionChanges, member: MemberRecord, others: readonly string[], at: string): void {
    const goldenId = member.goldenId;
    const newId = this.newGoldenId(changes, member.key);
    changes.storeMember({
      ...member,
      goldenId: newId,
      matchedOn: 'manual',
      confidence: 1,
      separatedFrom: [...new Set([...member.separatedFrom, ...others])].sort(),
    });
    changes.raise({
      eventType: 'UNMERGED',
      goldenId,
      otherGoldenId: newId,
      memberKey: member.key,
      rule: 'manual',
      confidence: 1,
      reason: REASONS.manual,
      occurredAt: at,
    });
    this.split(changes, goldenId, member.key, at);
  }

  /** A member carrying a resident ID number another member of its golden record contradicts leaves it for a record of its own. */
  private detachOnResidentIdConflict(changes: ResolutionChanges, member: MemberRecord, at: string): void {
    if (!this.residentIdConflict(member)) return;
    const newId = this.newGoldenId(changes, member.key);
    changes.storeMember({ ...member, goldenId: newId, matchedOn: 'new', confidence: 1 });
    changes.raise({
      eventType: 'UNMERGED',
      goldenId: member.goldenId,
      otherGoldenId: newId,
      memberKey: member.key,
      rule: 'residentId',
      confidence: 1,
      reason: REASONS.detached,
      occurredAt: at,
    });
    this.split(changes, member.goldenId, member.key, at);
  }

  /** Whether a member carries a resident ID number another member of its golden record contradicts. */
  private residentIdConflict(member: MemberRecord): boolean {
    const own = memberResidentId(member);
    if (own === undefined) return false;
    for (const key of this.graph.memberKeysOf(member.goldenId)) {
      const theirs = memberResidentId(this.graph.member(key));
      if (theirs !== undefined && theirs !== own) return true;
    }
    return false;
  }

  /** One CONFLICT per golden record a link was refused to. */
  private reportRefusals(changes: ResolutionChanges, key: string, refused: readonly RefusedLink[], at: string): void {
    const goldenId = this.graph.storedMember(key).goldenId;
    for (const { candidate, reason } of refused) {
      // The refused record may have been merged into the member's own by another link of the same observation.
      if (this.activeGoldenId(candidate.goldenId) === goldenId) continue;
      changes.raise({
        eventType: 'CONFLICT',
        goldenId,
        otherGoldenId: candidate.goldenId,
        memberKey: key,
        rule: candidate.link.rule,
        confidence: candidate.link.confidence,
        reason,
        occurredAt: at,
      });
    }
  }

  /** A link not even looked for: one CONFLICT per placeholder identifier, with no other record named (there may be thousands). */
  private reportPlaceholders(changes: ResolutionChanges, key: string, kinds: readonly IdentifierKind[], at: string): void {
    const goldenId = this.graph.storedMember(key).goldenId;
    const limit = this.options.maxRecordsPerSharedIdentifier;
    for (const kind of new Set(kinds)) {
      changes.raise({
        eventType: 'CONFLICT',
        goldenId,
        otherGoldenId: null,
        memberKey: key,
        rule: kind,
        confidence: this.options.ruleConfidence[kind],
        reason: placeholderReason(kind, limit),
        occurredAt: at,
      });
    }
  }

  /** Moves every member of `loser` into `survivor` and keeps `loser` as a MERGED record redirecting to it. */
  private merge(changes: ResolutionChanges, loser: string, survivor: string, link: Link, trigger: string, at: string): void {
    if (loser === survivor || !this.graph.isActive(loser)) return;
    const record = this.goldens.build(loser, this.graph.membersOf(loser));
    changes.touchGolden(loser);
    for (const key of [...this.graph.memberKeysOf(loser)]) {
      const member = this.graph.storedMember(key);
      // A founder joins the survivor by the link that merged it; other members keep the rule they joined by.
      changes.storeMember({
        ...member,
        goldenId: survivor,
        ...(member.matchedOn === 'new' ? { matchedOn: link.rule, confidence: link.confidence } : {}),
      });
    }
    this.goldens.retire({
      ...record,
      status: 'MERGED',
      mergedIntoGoldenId: survivor,
      members: [],
      updatedAt: at > record.updatedAt ? at : record.updatedAt,
    });
    changes.raise({
      eventType: 'MERGED',
      goldenId: survivor,
      otherGoldenId: loser,
      memberKey: trigger,
      rule: link.rule,
      confidence: link.confidence,
      reason: mergeReason(link.rule),
      occurredAt: at,
    });
  }

  /**
   * Splits a golden record whose members no longer hang together: connected components by shared
   * ties; the component holding the oldest member keeps the id, every other one gets its own.
   */
  private split(changes: ResolutionChanges, goldenId: string, trigger: string, at: string): void {
    const keys = [...this.graph.memberKeysOf(goldenId)].sort();
    if (keys.length <= 1) return;
    const parent = new Map(keys.map((key) => [key, key]));
    const root = (key: string): string => {
      let node = key;
      while (parent.get(node) !== node) node = parent.get(node) as string;
      parent.set(key, node);
      return node;
    };
    const owner = new Map<string, string>();
    for (const key of keys) {
      for (const tie of this.tiesOf(this.graph.storedMember(key))) {
        const first = owner.get(tie);
        if (first === undefined) owner.set(tie, key);
        else parent.set(root(key), root(first));
      }
    }
    const components = new Map<string, MemberRecord[]>();
    for (const key of keys) {
      const component = components.get(root(key)) ?? [];
      component.push(this.graph.storedMember(key));
      components.set(root(key), component);
    }
    if (components.size === 1) return;
    const ordered = [...components.values()]
      .map((component) => ({ component, founder: component.reduce(older) }))
      .sort((a, b) => (older(a.founder, b.founder) === a.founder ? -1 : 1));
    for (const { component, founder } of ordered.slice(1)) {
      const newId = this.newGoldenId(changes, founder.key);
      for (const member of component)
        changes.storeMember({ ...member, goldenId: newId, ...(member.key === founder.key ? { matchedOn: 'new', confidence: 1 } : {}) });
      changes.raise({
        eventType: 'UNMERGED',
        goldenId,
        otherGoldenId: newId,
        memberKey: trigger,
        rule: 'split',
        confidence: 1,
        reason: REASONS.split,
        occurredAt: at,
      });
    }
  }

  /** What ties a member to the others of its golden record: its link keys, and its name and birth date while the weak rule links. */
  private tiesOf(member: MemberRecord): string[] {
    const keys = linkKeys(member).map((link) => link.key);
    const nameBirth = nameBirthKey(member.attributes);
    if (nameBirth !== undefined && linksByNameAndBirthDate(this.options)) keys.push(`nameBirthDate\u001f${nameBirth}`);
    return keys;
  }

  /** A new golden id, name-based on the founding member so replays agree; a merged-away id is revived rather than duplicated. */
  private newGoldenId(changes: ResolutionChanges, founder: string): string {
    let goldenId = nameBasedUuid(founder);
    for (let attempt = 1; this.graph.memberKeysOf(goldenId).size > 0; attempt++) goldenId = nameBasedUuid(`${founder}#${attempt}`);
    changes.touchGolden(goldenId);
    this.goldens.revive(goldenId);
    return goldenId;
  }
}

/** The survivor of a merge: the earliest created golden record, the smallest id on a tie. */
function oldest(candidates: readonly LinkCandidate[]): LinkCandidate {
  return candidates.reduce((best, candidate) =>
    (compareStrings(candidate.createdAt, best.createdAt) || compareStrings(candidate.goldenId, best.goldenId)) < 0 ? candidate : best,
  );
}

function older(a: MemberRecord, b: MemberRecord): MemberRecord {
  return (compareStrings(a.firstSeenAt, b.firstSeenAt) || compareStrings(a.key, b.key)) <= 0 ? a : b;
}

function mergeReason(rule: string): string {
  if (rule === 'sourceMerge') return 'the source system merged the records';
  if (rule === 'nameBirthDate') return 'the records have the same full name and birth date';
  return `the records share a ${rule} identifier`;
}
