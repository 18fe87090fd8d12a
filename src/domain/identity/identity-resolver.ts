import { nameBasedUuid } from '../../connect/sdk/field-reader.js';
import { namesCompatible } from '../identifiers/person-name.js';
import { goldenCustomer, newestEvents, type GoldenCustomer } from './golden-customer.js';
import { IdentityError } from './identity-error.js';
import type { IdentityEvent } from './identity-event.js';
import { memberKey, type Identifier, type IdentifierKind, type IdentityObservation, type ObservedEvent } from './identity-observation.js';
import { identifierKey, linkKeys, MemberIndex, nameBirthKey } from './member-index.js';
import { MEMBER_EVENT_LIMIT, type MemberRecord } from './member-record.js';
import { sameContent } from './same-content.js';
import { survivorshipChooser, type SurvivorshipChooser } from './survivorship-policy.js';
import { effectiveResolverOptions, type EffectiveResolverOptions, type ResolverOptionsInput } from './resolver-options.js';

export type { GoldenCustomer } from './golden-customer.js';
export type { IdentityEvent } from './identity-event.js';
export type { MemberRecord } from './member-record.js';
export type { ResolverOptions, ResolverOptionsInput } from './resolver-options.js';

export interface ResolutionOutcome {
  /** The golden record the observed (or unmerged) member belongs to afterwards. */
  goldenId: string;
  changedMembers: MemberRecord[];
  changedGoldens: GoldenCustomer[];
  events: IdentityEvent[];
}

/** How a member links to a golden record: the strongest rule between it and any of the record's members. */
interface Link {
  rule: string;
  confidence: number;
}

interface Candidate {
  goldenId: string;
  link: Link;
  residentId: string | undefined;
  createdAt: string;
}

// Ties between equally confident links fall to this order, so the rule reported never depends on iteration order.
const RULE_ORDER = ['systemRef', 'sourceMerge', 'residentId', 'policyNumber', 'mobile', 'plate', 'email', 'nameBirthDate'];
const NO_MEMBERS: ReadonlySet<string> = new Set();
const KIND_ORDER: readonly IdentifierKind[] = ['systemRef', 'residentId', 'policyNumber', 'mobile', 'plate', 'email'];

const REASONS = {
  residentConflict: 'the records carry different resident ID numbers',
  ambiguousResident: 'the member links records of people with different resident ID numbers and nothing tells which one it belongs to',
  separated: 'a data steward separated these records',
  namesDiffer: "the records share only an identifier a household may share, and their names are different people's",
  ambiguousHousehold:
    'the member has no name and shares only household identifiers with records of different people: nothing tells which one it belongs to',
  split: 'no identifier left in common with the rest of the golden record',
  detached: 'the member now carries a different resident ID number than the rest of its golden record',
  manual: 'separated by a data steward',
} as const;

/** Identifiers a placeholder hides in: a shop's phone, 13800138000, a fleet's plate, a shared mailbox. */
const PLACEHOLDER_PRONE: ReadonlySet<IdentifierKind> = new Set(['mobile', 'plate', 'email']);

function placeholderReason(kind: IdentifierKind, limit: number): string {
  return `the ${kind} is held by ${limit} or more other records: taken for a placeholder, it links nobody`;
}

/** What one call changed: the state before each member and golden record it touched, and the events it raised. */
class Changes {
  readonly membersBefore = new Map<string, MemberRecord | undefined>();
  readonly goldensBefore = new Map<string, GoldenCustomer | undefined>();
  readonly events: IdentityEvent[] = [];
}

/**
 * Deterministic, in-memory identity resolution: links member records of the five systems into
 * golden customers by shared identifiers, merges golden records an observation bridges, splits
 * them when a member loses its last link, and refuses any link between different resident ID
 * numbers. Its whole state is its member records (see restore); golden ids are name-based on the
 * founding member's key, so replaying the same observations yields the same ids.
 */
export class IdentityResolver {
  private readonly options: EffectiveResolverOptions;
  private readonly choose: SurvivorshipChooser;
  private readonly members = new Map<string, MemberRecord>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly goldens = new Map<string, GoldenCustomer>();
  private readonly retired = new Map<string, GoldenCustomer>();
  private readonly index = new MemberIndex();

  constructor(options: ResolverOptionsInput = {}) {
    this.options = effectiveResolverOptions(options);
    this.choose = survivorshipChooser(this.options.survivorship);
  }

  get memberCount(): number {
    return this.members.size;
  }

  /** Active golden records. */
  get goldenCount(): number {
    return this.groups.size;
  }

  /**
   * Rebuilds the state from member records (e.g. read back from a compacted topic). Golden records
   * merged away are not derivable from members; pass them as `mergedGoldens` to keep activeGoldenId
   * following their redirects.
   */
  restore(members: Iterable<MemberRecord>, mergedGoldens: Iterable<GoldenCustomer> = []): void {
    this.members.clear();
    this.groups.clear();
    this.goldens.clear();
    this.retired.clear();
    this.index.clear();
    for (const member of members) {
      if (
        typeof member.key !== 'string' ||
        member.key !== memberKey(member.system, member.systemId) ||
        typeof member.goldenId !== 'string' ||
        member.goldenId === ''
      ) {
        throw new IdentityError(
          'IDENTITY_STATE_INVALID',
          `member record ${String(member.key)} is not a member record of this resolver (key, system, systemId, goldenId)`,
        );
      }
      this.members.set(member.key, member);
      this.index.add(member);
      this.join(member.goldenId, member.key);
    }
    for (const goldenId of this.groups.keys()) this.goldens.set(goldenId, this.build(goldenId));
    for (const golden of mergedGoldens)
      if (golden.status === 'MERGED' && !this.groups.has(golden.goldenId)) this.retired.set(golden.goldenId, golden);
  }

  resolve(observation: IdentityObservation): ResolutionOutcome {
    const at = instant(observation.observedAt, 'observedAt');
    const key = memberKey(observation.system, observation.systemId);
    const previous = this.members.get(key);
    const changes = new Changes();
    if (previous !== undefined && !isNewer(at, observation.event, previous)) {
      // An older or repeated observation adds at most its event to the history; the newest one speaks for the member.
      const recentEvents = withEvent(previous.recentEvents, observation.event);
      const firstSeenAt = at < previous.firstSeenAt ? at : previous.firstSeenAt;
      if (recentEvents === previous.recentEvents && firstSeenAt === previous.firstSeenAt)
        return { goldenId: previous.goldenId, changedMembers: [], changedGoldens: [], events: [] };
      this.put(changes, { ...previous, recentEvents, firstSeenAt });
      return this.commit(changes, key);
    }
    const observed: MemberRecord = {
      key,
      system: observation.system,
      systemId: observation.systemId,
      goldenId: previous?.goldenId ?? '',
      identifiers: ownIdentifiers(key, observation.identifiers),
      attributes: { ...observation.attributes },
      observedAt: at,
      firstSeenAt: previous === undefined || at < previous.firstSeenAt ? at : previous.firstSeenAt,
      matchedOn: previous?.matchedOn ?? 'new',
      confidence: previous?.confidence ?? 1,
      recentEvents: withEvent(previous?.recentEvents ?? [], observation.event),
      separatedFrom: previous?.separatedFrom ?? [],
      ...(observation.mergedInto === undefined || observation.mergedInto === key ? {} : { mergedInto: observation.mergedInto }),
    };
    if (previous === undefined) this.place(changes, observed, at);
    else this.update(changes, previous, observed, at);
    return this.commit(changes, key);
  }

  /** Separates a member from its golden record by hand: it gets its own, and is never linked automatically with those members again. */
  unmerge(key: string, at: string): ResolutionOutcome {
    const member = this.members.get(key);
    if (member === undefined) throw new IdentityError('IDENTITY_MEMBER_UNKNOWN', `no member ${key} to unmerge`);
    const when = instant(at, 'at');
    const goldenId = member.goldenId;
    const others = [...this.group(goldenId)].filter((other) => other !== key);
    if (others.length === 0) return { goldenId, changedMembers: [], changedGoldens: [], events: [] };
    const changes = new Changes();
    const newId = this.allocate(changes, key);
    this.put(changes, {
      ...member,
      goldenId: newId,
      matchedOn: 'manual',
      confidence: 1,
      separatedFrom: [...new Set([...member.separatedFrom, ...others])].sort(),
    });
    changes.events.push({
      eventType: 'UNMERGED',
      goldenId,
      otherGoldenId: newId,
      memberKey: key,
      rule: 'manual',
      confidence: 1,
      reason: REASONS.manual,
      occurredAt: when,
    });
    this.split(changes, goldenId, key, when);
    return this.commit(changes, key);
  }

  /** The golden record as stored: an active one, or one merged away (status MERGED). */
  golden(goldenId: string): GoldenCustomer | undefined {
    return this.goldens.get(goldenId) ?? this.retired.get(goldenId);
  }

  /** The active golden record an id stands for now, following MERGED redirects. */
  activeGoldenId(goldenId: string): string | undefined {
    let id: string | null = goldenId;
    for (let hops = 0; id !== null && hops <= this.retired.size; hops++) {
      if (this.groups.has(id)) return id;
      id = this.retired.get(id)?.mergedIntoGoldenId ?? null;
    }
    return undefined;
  }

  member(key: string): MemberRecord | undefined {
    return this.members.get(key);
  }

  /**
   * The golden record holding an identifier. A systemRef names its member; any other identifier
   * answers only when it is not shared between golden records (a household's phone is).
   */
  find(identifier: Identifier): string | undefined {
    if (identifier.kind === 'systemRef') {
      const own = this.members.get(identifier.value);
      if (own !== undefined) return own.goldenId;
    }
    const all = this.findAll(identifier);
    return all.length === 1 ? all[0] : undefined;
  }

  /** Every golden record one of whose members holds the identifier, sorted. */
  findAll(identifier: Identifier): string[] {
    const goldenIds = new Set<string>();
    for (const key of this.index.holders(identifierKey(identifier.kind, identifier.value))) {
      const member = this.members.get(key);
      if (member?.identifiers.some((own) => own.kind === identifier.kind && own.value === identifier.value)) goldenIds.add(member.goldenId);
    }
    return [...goldenIds].sort();
  }

  /** Every member record: what restore needs. */
  memberRecords(): IterableIterator<MemberRecord> {
    return this.members.values();
  }

  /** Every active golden record. */
  goldenRecords(): IterableIterator<GoldenCustomer> {
    return this.goldens.values();
  }

  /** Golden records merged away, to pass to restore with the members. */
  mergedGoldenRecords(): IterableIterator<GoldenCustomer> {
    return this.retired.values();
  }

  private place(changes: Changes, member: MemberRecord, at: string): void {
    const { accepted, refused, placeholders } = this.candidates(member, undefined);
    const best = accepted[0];
    if (best === undefined) {
      this.put(changes, { ...member, goldenId: this.allocate(changes, member.key), matchedOn: 'new', confidence: 1 });
    } else {
      const survivor = oldest(accepted);
      this.put(changes, { ...member, goldenId: survivor.goldenId, matchedOn: best.link.rule, confidence: best.link.confidence });
      for (const loser of accepted)
        if (loser !== survivor) this.merge(changes, loser.goldenId, survivor.goldenId, loser.link, member.key, at);
    }
    this.conflicts(changes, member.key, refused, at);
    this.placeholderConflicts(changes, member.key, placeholders, at);
  }

  /**
   * A newer observation of a known member: what it no longer shares may split its golden record, a
   * resident ID number it now carries that the record's others do not detaches it, and what it now
   * shares may merge golden records.
   */
  private update(changes: Changes, previous: MemberRecord, member: MemberRecord, at: string): void {
    this.put(changes, member);
    const kept = new Set(this.edgeKeys(member));
    if (this.edgeKeys(previous).some((key) => !kept.has(key))) this.split(changes, previous.goldenId, member.key, at);
    const current = this.members.get(member.key) as MemberRecord;
    if (this.residentIdConflict(current)) {
      const newId = this.allocate(changes, current.key);
      this.put(changes, { ...current, goldenId: newId, matchedOn: 'new', confidence: 1 });
      changes.events.push({
        eventType: 'UNMERGED',
        goldenId: current.goldenId,
        otherGoldenId: newId,
        memberKey: current.key,
        rule: 'residentId',
        confidence: 1,
        reason: REASONS.detached,
        occurredAt: at,
      });
      this.split(changes, current.goldenId, current.key, at);
    }
    const placed = this.members.get(member.key) as MemberRecord;
    const { accepted, refused, placeholders } = this.candidates(placed, placed.goldenId);
    const best = accepted[0];
    if (best !== undefined) {
      const participants: Candidate[] = [
        { goldenId: placed.goldenId, link: best.link, residentId: undefined, createdAt: this.createdAt(placed.goldenId) },
        ...accepted,
      ];
      const survivor = oldest(participants);
      for (const loser of participants)
        if (loser !== survivor) this.merge(changes, loser.goldenId, survivor.goldenId, loser.link, member.key, at);
    }
    // Refusals are news only when what the member links by changed; otherwise they were reported before.
    if (!sameContent(this.edgeKeys(previous), this.edgeKeys(member)) || previous.attributes.fullName !== member.attributes.fullName) {
      this.conflicts(changes, member.key, refused, at);
      this.placeholderConflicts(changes, member.key, placeholders, at);
    }
  }

  /** Whether a member carries a resident ID number another member of its golden record contradicts. */
  private residentIdConflict(member: MemberRecord): boolean {
    const own = residentIdOf(member);
    if (own === undefined) return false;
    for (const key of this.group(member.goldenId)) {
      const theirs = residentIdOf(this.members.get(key));
      if (theirs !== undefined && theirs !== own) return true;
    }
    return false;
  }

  /**
   * The golden records a member should join (strongest link first) and those it must not. A link by
   * identifiers a household may share alone is refused when the names are different people's. Links
   * to a record with another resident ID number are refused; a member without one that links people
   * with different numbers goes with the strongest link (then the one with its exact name), or with
   * none of them if that does not decide. Records separated by hand are refused too. With nothing
   * accepted, a member alone may still link by the weak rule.
   */
  private candidates(
    member: MemberRecord,
    current: string | undefined,
  ): { accepted: Candidate[]; refused: { candidate: Candidate; reason: string }[]; placeholders: IdentifierKind[] } {
    const links = new Map<string, { link: Link; nameChecked: boolean }>();
    const placeholders: IdentifierKind[] = [];
    for (const edge of linkKeys(member)) {
      const holders = this.index.holders(edge.key);
      // Beyond the limit an identifier is nobody's: linking by it would fold strangers into one customer (and cost a pass over every holder per event).
      if (
        !edge.viaMerge &&
        PLACEHOLDER_PRONE.has(edge.kind) &&
        holders.size - (holders.has(member.key) ? 1 : 0) >= this.options.maxRecordsPerSharedIdentifier
      ) {
        placeholders.push(edge.kind);
        continue;
      }
      for (const otherKey of holders) {
        if (otherKey === member.key || this.index.separated(member.key, otherKey)) continue;
        const other = this.members.get(otherKey) as MemberRecord;
        if (other.goldenId === current) continue;
        const viaMerge =
          edge.viaMerge || !other.identifiers.some((identifier) => identifier.kind === edge.kind && identifier.value === edge.value);
        const link: Link = viaMerge
          ? { rule: 'sourceMerge', confidence: 1 }
          : { rule: edge.kind, confidence: this.options.ruleConfidence[edge.kind] };
        const nameChecked = !viaMerge && this.options.nameCheckedIdentifiers.has(edge.kind);
        const known = links.get(other.goldenId);
        if (known === undefined) links.set(other.goldenId, { link, nameChecked });
        else
          links.set(other.goldenId, {
            link: stronger(link, known.link) ? link : known.link,
            nameChecked: known.nameChecked && nameChecked,
          });
      }
    }
    const refused: { candidate: Candidate; reason: string }[] = [];
    const candidates: Candidate[] = [];
    const names = this.namesToCheck(member, current, links);
    const ambiguous = names.length === 0 ? this.householdOfDifferentPeople(links) : false;
    for (const [goldenId, { link, nameChecked }] of links) {
      const candidate = { goldenId, link, residentId: this.residentIdOfGolden(goldenId), createdAt: this.createdAt(goldenId) };
      // A phone, plate or e-mail alone does not make a ticket signed 欧阳玉兰 the customer 黄杰 who pays for that phone.
      if (nameChecked && ambiguous) refused.push({ candidate, reason: REASONS.ambiguousHousehold });
      else if (nameChecked && !this.namesMayMatch(names, goldenId)) refused.push({ candidate, reason: REASONS.namesDiffer });
      else candidates.push(candidate);
    }
    candidates.sort((a, b) =>
      stronger(a.link, b.link) ? -1 : stronger(b.link, a.link) ? 1 : compare(a.createdAt, b.createdAt) || compare(a.goldenId, b.goldenId),
    );
    const own = current === undefined ? residentIdOf(member) : this.residentIdOfGolden(current);
    const allowed = own ?? this.chosenResidentId(member, candidates);
    const accepted: Candidate[] = [];
    const joined = new Set(current === undefined ? [member.key] : this.group(current));
    for (const candidate of candidates) {
      if (candidate.residentId !== undefined && candidate.residentId !== allowed) {
        refused.push({ candidate, reason: own === undefined ? REASONS.ambiguousResident : REASONS.residentConflict });
      } else if (this.separatedFrom(joined, this.group(candidate.goldenId))) {
        refused.push({ candidate, reason: REASONS.separated });
      } else {
        accepted.push(candidate);
        for (const key of this.group(candidate.goldenId)) joined.add(key);
      }
    }
    if (accepted.length === 0 && joined.size === 1) {
      const weak = this.weakCandidate(member, own);
      if (weak !== undefined) accepted.push(weak);
    }
    return { accepted, refused, placeholders };
  }

  /**
   * The names a link by a household identifier is checked against: the member's own, else those of
   * the customers it belongs to by links that need no name (its own golden record, a system
   * reference, a resident ID number). A claim names no claimant, but its CRM number says who it is:
   * the plate it shares with a company's car must not fold that person into the company.
   */
  private namesToCheck(member: MemberRecord, current: string | undefined, links: ReadonlyMap<string, { nameChecked: boolean }>): string[] {
    if (member.attributes.fullName !== undefined) return [member.attributes.fullName];
    const vouching = [...links].filter(([, { nameChecked }]) => !nameChecked).map(([goldenId]) => goldenId);
    if (current !== undefined) vouching.push(current);
    const names = new Set<string>();
    for (const goldenId of vouching) {
      for (const key of this.group(goldenId)) {
        const name = this.members.get(key)?.attributes.fullName;
        if (name !== undefined && key !== member.key) names.add(name);
      }
    }
    return [...names];
  }

  /**
   * Whether the golden records a nameless member reaches only by household identifiers are of
   * different people (two of them named incompatibly): nothing then tells which one it belongs to,
   * and linking it to all would merge them.
   */
  private householdOfDifferentPeople(links: ReadonlyMap<string, { nameChecked: boolean }>): boolean {
    const named = [...links]
      .filter(([, { nameChecked }]) => nameChecked)
      .map(([goldenId]) => this.namesOf(goldenId))
      .filter((names) => names.length > 0);
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        if (!anyNamesCompatible(named[i]!, named[j]!)) return true;
      }
    }
    return false;
  }

  private namesOf(goldenId: string): string[] {
    const names = new Set<string>();
    for (const key of this.group(goldenId)) {
      const name = this.members.get(key)?.attributes.fullName;
      if (name !== undefined) names.add(name);
    }
    return [...names];
  }

  /** Whether one of `names` is compatible with a name in the golden record, or either side has none. */
  private namesMayMatch(names: readonly string[], goldenId: string): boolean {
    if (names.length === 0) return true;
    const theirs = this.namesOf(goldenId);
    return theirs.length === 0 || anyNamesCompatible(names, theirs);
  }

  /** Among the resident ID numbers a member without one links to, the one it belongs to, if anything tells. */
  private chosenResidentId(member: MemberRecord, candidates: readonly Candidate[]): string | undefined {
    const scores = new Map<string, { link: Link; sameName: boolean }>();
    for (const candidate of candidates) {
      if (candidate.residentId === undefined) continue;
      const sameName =
        member.attributes.fullName !== undefined &&
        [...this.group(candidate.goldenId)].some((key) => this.members.get(key)?.attributes.fullName === member.attributes.fullName);
      const score = scores.get(candidate.residentId);
      if (score === undefined) scores.set(candidate.residentId, { link: candidate.link, sameName });
      else
        scores.set(candidate.residentId, {
          link: stronger(candidate.link, score.link) ? candidate.link : score.link,
          sameName: score.sameName || sameName,
        });
    }
    if (scores.size <= 1) return scores.keys().next().value;
    const ranked = [...scores].sort(([, a], [, b]) => b.link.confidence - a.link.confidence || Number(b.sameName) - Number(a.sameName));
    const [first, second] = ranked as [[string, { link: Link; sameName: boolean }], [string, { link: Link; sameName: boolean }]];
    const decided = first[1].link.confidence > second[1].link.confidence || (first[1].sameName && !second[1].sameName);
    return decided ? first[0] : undefined;
  }

  /** The weak rule: one golden record, and only one, whose members have the same full name and birth date. */
  private weakCandidate(member: MemberRecord, residentId: string | undefined): Candidate | undefined {
    const nameBirth = nameBirthKey(member.attributes);
    if (nameBirth === undefined || !this.weakUsable()) return undefined;
    const goldenIds = new Set<string>();
    for (const key of this.index.nameBirthHolders(nameBirth)) {
      const other = this.members.get(key) as MemberRecord;
      if (key === member.key || other.goldenId === member.goldenId || this.index.separated(member.key, key)) continue;
      goldenIds.add(other.goldenId);
    }
    const compatible = [...goldenIds].filter((goldenId) => {
      const theirs = this.residentIdOfGolden(goldenId);
      return (
        (theirs === undefined || residentId === undefined || theirs === residentId) &&
        !this.separatedFrom(new Set([member.key]), this.group(goldenId))
      );
    });
    if (compatible.length !== 1) return undefined;
    const goldenId = compatible[0] as string;
    return {
      goldenId,
      link: { rule: 'nameBirthDate', confidence: this.options.weakMatch.confidence },
      residentId: this.residentIdOfGolden(goldenId),
      createdAt: this.createdAt(goldenId),
    };
  }

  private weakUsable(): boolean {
    const { enabled, confidence, minConfidence } = this.options.weakMatch;
    return enabled && confidence >= minConfidence;
  }

  private conflicts(changes: Changes, key: string, refused: readonly { candidate: Candidate; reason: string }[], at: string): void {
    const goldenId = (this.members.get(key) as MemberRecord).goldenId;
    for (const { candidate, reason } of refused) {
      // The refused record may have been merged into the member's own by another link of the same observation.
      if (this.activeGoldenId(candidate.goldenId) === goldenId) continue;
      changes.events.push({
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
  private placeholderConflicts(changes: Changes, key: string, kinds: readonly IdentifierKind[], at: string): void {
    const goldenId = (this.members.get(key) as MemberRecord).goldenId;
    const limit = this.options.maxRecordsPerSharedIdentifier;
    for (const kind of new Set(kinds)) {
      changes.events.push({
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

  private merge(changes: Changes, loser: string, survivor: string, link: Link, trigger: string, at: string): void {
    if (loser === survivor || !this.groups.has(loser)) return;
    const record = this.build(loser);
    this.touchGolden(changes, loser);
    for (const key of [...this.group(loser)]) {
      const member = this.members.get(key) as MemberRecord;
      // A founder joins the survivor by the link that merged it; other members keep the rule they joined by.
      this.put(changes, {
        ...member,
        goldenId: survivor,
        ...(member.matchedOn === 'new' ? { matchedOn: link.rule, confidence: link.confidence } : {}),
      });
    }
    this.retired.set(loser, {
      ...record,
      status: 'MERGED',
      mergedIntoGoldenId: survivor,
      members: [],
      updatedAt: at > record.updatedAt ? at : record.updatedAt,
    });
    changes.events.push({
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
   * link keys; the component holding the oldest member keeps the id, every other one gets its own.
   */
  private split(changes: Changes, goldenId: string, trigger: string, at: string): void {
    const keys = [...this.group(goldenId)].sort();
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
      for (const edge of this.edgeKeys(this.members.get(key) as MemberRecord)) {
        const first = owner.get(edge);
        if (first === undefined) owner.set(edge, key);
        else parent.set(root(key), root(first));
      }
    }
    const components = new Map<string, MemberRecord[]>();
    for (const key of keys) {
      const component = components.get(root(key)) ?? [];
      component.push(this.members.get(key) as MemberRecord);
      components.set(root(key), component);
    }
    if (components.size === 1) return;
    const ordered = [...components.values()]
      .map((component) => ({ component, founder: component.reduce(older) }))
      .sort((a, b) => (older(a.founder, b.founder) === a.founder ? -1 : 1));
    for (const { component, founder } of ordered.slice(1)) {
      const newId = this.allocate(changes, founder.key);
      for (const member of component)
        this.put(changes, { ...member, goldenId: newId, ...(member.key === founder.key ? { matchedOn: 'new', confidence: 1 } : {}) });
      changes.events.push({
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
  private edgeKeys(member: MemberRecord): string[] {
    const keys = linkKeys(member).map((link) => link.key);
    const nameBirth = nameBirthKey(member.attributes);
    if (nameBirth !== undefined && this.weakUsable()) keys.push(`nameBirthDate\u001f${nameBirth}`);
    return keys;
  }

  /** A new golden id, name-based on the founding member so replays agree; a retired id is revived rather than duplicated. */
  private allocate(changes: Changes, founder: string): string {
    let goldenId = nameBasedUuid(founder);
    for (let attempt = 1; (this.groups.get(goldenId)?.size ?? 0) > 0; attempt++) goldenId = nameBasedUuid(`${founder}#${attempt}`);
    this.touchGolden(changes, goldenId);
    this.retired.delete(goldenId);
    return goldenId;
  }

  /** Stores a member record, keeping indexes and groups in step and remembering what it was before. */
  private put(changes: Changes, member: MemberRecord): void {
    const previous = this.members.get(member.key);
    if (!changes.membersBefore.has(member.key)) changes.membersBefore.set(member.key, previous);
    if (previous !== undefined) {
      this.index.remove(previous);
      this.touchGolden(changes, previous.goldenId);
      const group = this.groups.get(previous.goldenId);
      group?.delete(member.key);
      if (group?.size === 0) this.groups.delete(previous.goldenId);
    }
    this.members.set(member.key, member);
    this.index.add(member);
    this.touchGolden(changes, member.goldenId);
    this.join(member.goldenId, member.key);
  }

  private touchGolden(changes: Changes, goldenId: string): void {
    if (changes.goldensBefore.has(goldenId)) return;
    changes.goldensBefore.set(goldenId, this.goldens.get(goldenId) ?? this.retired.get(goldenId));
  }

  private commit(changes: Changes, key: string): ResolutionOutcome {
    const changedGoldens: GoldenCustomer[] = [];
    for (const [goldenId, before] of [...changes.goldensBefore].sort(([a], [b]) => compare(a, b))) {
      let after: GoldenCustomer | undefined;
      if (this.groups.has(goldenId)) {
        after = this.build(goldenId);
        this.goldens.set(goldenId, after);
      } else {
        this.goldens.delete(goldenId);
        after = this.retired.get(goldenId);
      }
      if (after !== undefined && !sameContent(after, before)) changedGoldens.push(after);
    }
    const changedMembers: MemberRecord[] = [];
    for (const [memberKey, before] of [...changes.membersBefore].sort(([a], [b]) => compare(a, b))) {
      const after = this.members.get(memberKey) as MemberRecord;
      if (!sameContent(after, before)) changedMembers.push(after);
    }
    return { goldenId: (this.members.get(key) as MemberRecord).goldenId, changedMembers, changedGoldens, events: changes.events };
  }

  private build(goldenId: string): GoldenCustomer {
    return goldenCustomer(
      goldenId,
      [...this.group(goldenId)].map((key) => this.members.get(key) as MemberRecord),
      this.choose,
    );
  }

  /** The members of an active golden record; none for any other id. */
  private group(goldenId: string): ReadonlySet<string> {
    return this.groups.get(goldenId) ?? NO_MEMBERS;
  }

  private join(goldenId: string, key: string): void {
    const group = this.groups.get(goldenId);
    if (group === undefined) this.groups.set(goldenId, new Set([key]));
    else group.add(key);
  }

  private createdAt(goldenId: string): string {
    let earliest: string | undefined;
    for (const key of this.group(goldenId)) {
      const firstSeenAt = (this.members.get(key) as MemberRecord).firstSeenAt;
      if (earliest === undefined || firstSeenAt < earliest) earliest = firstSeenAt;
    }
    return earliest ?? '';
  }

  private residentIdOfGolden(goldenId: string): string | undefined {
    for (const key of this.group(goldenId)) {
      const residentId = residentIdOf(this.members.get(key));
      if (residentId !== undefined) return residentId;
    }
    return undefined;
  }

  private separatedFrom(joined: ReadonlySet<string>, group: ReadonlySet<string>): boolean {
    for (const key of joined) for (const partner of this.index.partners(key)) if (group.has(partner)) return true;
    return false;
  }
}

function residentIdOf(member: MemberRecord | undefined): string | undefined {
  return member?.identifiers.find((identifier) => identifier.kind === 'residentId')?.value;
}

function stronger(a: Link, b: Link): boolean {
  return a.confidence > b.confidence || (a.confidence === b.confidence && RULE_ORDER.indexOf(a.rule) < RULE_ORDER.indexOf(b.rule));
}

/** The survivor of a merge: the earliest created golden record, the smallest id on a tie. */
function anyNamesCompatible(ours: readonly string[], theirs: readonly string[]): boolean {
  return ours.some((name) => theirs.some((other) => namesCompatible(name, other)));
}

function oldest(candidates: readonly Candidate[]): Candidate {
  return candidates.reduce((best, candidate) =>
    (compare(candidate.createdAt, best.createdAt) || compare(candidate.goldenId, best.goldenId)) < 0 ? candidate : best,
  );
}

function older(a: MemberRecord, b: MemberRecord): MemberRecord {
  return (compare(a.firstSeenAt, b.firstSeenAt) || compare(a.key, b.key)) <= 0 ? a : b;
}

function mergeReason(rule: string): string {
  if (rule === 'sourceMerge') return 'the source system merged the records';
  if (rule === 'nameBirthDate') return 'the records have the same full name and birth date';
  return `the records share a ${rule} identifier`;
}

/** The observation's identifiers, deduplicated and sorted, with the member's own systemRef always among them. */
function ownIdentifiers(key: string, identifiers: readonly Identifier[]): Identifier[] {
  const unique = new Map<string, Identifier>([[identifierKey('systemRef', key), { kind: 'systemRef', value: key }]]);
  for (const identifier of identifiers)
    unique.set(identifierKey(identifier.kind, identifier.value), { kind: identifier.kind, value: identifier.value });
  return [...unique.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.value, b.value));
}

/**
 * Whether an observation is newer than what the member shows: later, or at the same instant with
 * a greater event id — a total order, so that the last word on a member does not depend on the
 * order its events arrive in.
 */
function isNewer(at: string, event: ObservedEvent, member: MemberRecord): boolean {
  if (at !== member.observedAt) return at > member.observedAt;
  const shown = member.recentEvents
    .filter((known) => known.occurredAt === member.observedAt)
    .reduce((max, known) => (known.eventId > max ? known.eventId : max), '');
  return event.eventId > shown;
}

function withEvent(events: ObservedEvent[], event: ObservedEvent): ObservedEvent[] {
  if (events.some((known) => known.eventId === event.eventId)) return events;
  const next = newestEvents([...events, event], MEMBER_EVENT_LIMIT);
  return next.some((known) => known.eventId === event.eventId) ? next : events;
}

function instant(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new IdentityError('IDENTITY_OBSERVATION_INVALID', `${field} must be an ISO instant`);
  return new Date(time).toISOString();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
