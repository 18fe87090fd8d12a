import { namesCompatible } from '../identifiers/person-name.js';
import { memberResidentId, type IdentityGraph } from './identity-graph.js';
import type { IdentifierKind } from './identity-observation.js';
import { linkKeys, nameBirthKey } from './member-index.js';
import type { MemberRecord } from './member-record.js';
import { linksByNameAndBirthDate, type EffectiveResolverOptions } from './resolver-options.js';
import { compareStrings } from './string-order.js';

/** How a member links to a golden record: the strongest rule between it and any of the record's members. */
export interface Link {
  rule: string;
  confidence: number;
}

/** A golden record a member could join, with what the decision needs to know of it. */
export interface LinkCandidate {
  goldenId: string;
  link: Link;
  residentId: string | undefined;
  createdAt: string;
}

export interface RefusedLink {
  candidate: LinkCandidate;
  reason: string;
}

export interface LinkCandidates {
  /** Golden records the member should join, strongest link first. */
  accepted: LinkCandidate[];
  /** Golden records it links to but must not join, each with why. */
  refused: RefusedLink[];
  /** Kinds of identifier not linked by at all, held by too many records to be anyone's. */
  placeholders: IdentifierKind[];
}

// Ties between equally confident links fall to this order, so the rule reported never depends on iteration order.
const RULE_ORDER = ['systemRef', 'sourceMerge', 'residentId', 'policyNumber', 'mobile', 'plate', 'email', 'nameBirthDate'];

const REFUSALS = {
  residentConflict: 'the records carry different resident ID numbers',
  ambiguousResident: 'the member links records of people with different resident ID numbers and nothing tells which one it belongs to',
  separated: 'a data steward separated these records',
  namesDiffer: "the records share only an identifier a household may share, and their names are different people's",
  ambiguousHousehold:
    'the member has no name and shares only household identifiers with records of different people: nothing tells which one it belongs to',
} as const;

/** Identifiers a placeholder hides in: a shop's phone, 13800138000, a fleet's plate, a shared mailbox. */
const PLACEHOLDER_PRONE: ReadonlySet<IdentifierKind> = new Set(['mobile', 'plate', 'email']);

export function placeholderReason(kind: IdentifierKind, limit: number): string {
  return `the ${kind} is held by ${limit} or more other records: taken for a placeholder, it links nobody`;
}

/** Whether link `a` beats link `b`: more confident, or as confident by a rule earlier in RULE_ORDER. */
export function stronger(a: Link, b: Link): boolean {
  return a.confidence > b.confidence || (a.confidence === b.confidence && RULE_ORDER.indexOf(a.rule) < RULE_ORDER.indexOf(b.rule));
}

/**
 * Which golden records a member links to and which of those it may join: the placeholder limit,
 * the household name check, resident ID numbers, separations by hand and the weak rule.
 */
export class LinkCandidateFinder {
  constructor(
    private readonly graph: IdentityGraph,
    private readonly options: EffectiveResolverOptions,
  ) {}

  /**
   * The golden records a member should join (strongest link first) and those it must not, other
   * than `current` (its own, for a member already placed). A link by identifiers a household may
   * share alone is refused when the names are different people's. Links to a record with another
   * resident ID number are refused; a member without one that links people with different numbers
   * goes with the strongest link (then the one with its exact name), or with none of them if that
   * does not decide. Records separated by hand are refused too. With nothing accepted, a member
   * alone may still link by the weak rule.
   */
  find(member: MemberRecord, current: string | undefined): LinkCandidates {
    const { links, placeholders } = this.linksByIdentifier(member, current);
    const refused: RefusedLink[] = [];
    const candidates: LinkCandidate[] = [];
    const names = this.namesToCheck(member, current, links);
    const ambiguous = names.length === 0 ? this.householdOfDifferentPeople(links) : false;
    for (const [goldenId, { link, nameChecked }] of links) {
      const candidate = { goldenId, link, residentId: this.graph.residentIdOf(goldenId), createdAt: this.graph.createdAtOf(goldenId) };
      // A phone, plate or e-mail alone does not make a ticket signed 欧阳玉兰 the customer 黄杰 who pays for that phone.
      if (nameChecked && ambiguous) refused.push({ candidate, reason: REFUSALS.ambiguousHousehold });
      else if (nameChecked && !this.namesMayMatch(names, goldenId)) refused.push({ candidate, reason: REFUSALS.namesDiffer });
      else candidates.push(candidate);
    }
    candidates.sort((a, b) =>
      stronger(a.link, b.link)
        ? -1
        : stronger(b.link, a.link)
          ? 1
          : compareStrings(a.createdAt, b.createdAt) || compareStrings(a.goldenId, b.goldenId),
    );
    const own = current === undefined ? memberResidentId(member) : this.graph.residentIdOf(current);
    const allowed = own ?? this.chosenResidentId(member, candidates);
    const accepted: LinkCandidate[] = [];
    const joined = new Set(current === undefined ? [member.key] : this.graph.memberKeysOf(current));
    for (const candidate of candidates) {
      if (candidate.residentId !== undefined && candidate.residentId !== allowed) {
        refused.push({ candidate, reason: own === undefined ? REFUSALS.ambiguousResident : REFUSALS.residentConflict });
      } else if (this.graph.anySeparated(joined, this.graph.memberKeysOf(candidate.goldenId))) {
        refused.push({ candidate, reason: REFUSALS.separated });
      } else {
        accepted.push(candidate);
        for (const key of this.graph.memberKeysOf(candidate.goldenId)) joined.add(key);
      }
    }
    if (accepted.length === 0 && joined.size === 1) {
      const weak = this.weakCandidate(member, own);
      if (weak !== undefined) accepted.push(weak);
    }
    return { accepted, refused, placeholders };
  }

  /**
   * The strongest link to each other golden record by a shared identifier (or the source system's
   * own merge), and whether every such link needs the name check. Identifiers held by too many
   * records are placeholders and link nobody.
   */
  private linksByIdentifier(
    member: MemberRecord,
    current: string | undefined,
  ): { links: Map<string, { link: Link; nameChecked: boolean }>; placeholders: IdentifierKind[] } {
    const links = new Map<string, { link: Link; nameChecked: boolean }>();
    const placeholders: IdentifierKind[] = [];
    for (const edge of linkKeys(member)) {
      const holders = this.graph.holdersOf(edge.key);
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
        if (otherKey === member.key || this.graph.separated(member.key, otherKey)) continue;
        const other = this.graph.storedMember(otherKey);
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
    return { links, placeholders };
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
      for (const key of this.graph.memberKeysOf(goldenId)) {
        const name = this.graph.member(key)?.attributes.fullName;
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
      .map(([goldenId]) => this.graph.namesOf(goldenId))
      .filter((names) => names.length > 0);
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        if (!anyNamesCompatible(named[i]!, named[j]!)) return true;
      }
    }
    return false;
  }

  /** Whether one of `names` is compatible with a name in the golden record, or either side has none. */
  private namesMayMatch(names: readonly string[], goldenId: string): boolean {
    if (names.length === 0) return true;
    const theirs = this.graph.namesOf(goldenId);
    return theirs.length === 0 || anyNamesCompatible(names, theirs);
  }

  /** Among the resident ID numbers a member without one links to, the one it belongs to, if anything tells. */
  private chosenResidentId(member: MemberRecord, candidates: readonly LinkCandidate[]): string | undefined {
    const scores = new Map<string, { link: Link; sameName: boolean }>();
    for (const candidate of candidates) {
      if (candidate.residentId === undefined) continue;
      const sameName =
        member.attributes.fullName !== undefined &&
        [...this.graph.memberKeysOf(candidate.goldenId)].some(
          (key) => this.graph.member(key)?.attributes.fullName === member.attributes.fullName,
        );
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
  private weakCandidate(member: MemberRecord, residentId: string | undefined): LinkCandidate | undefined {
    const nameBirth = nameBirthKey(member.attributes);
    if (nameBirth === undefined || !linksByNameAndBirthDate(this.options)) return undefined;
    const goldenIds = new Set<string>();
    for (const key of this.graph.nameBirthHoldersOf(nameBirth)) {
      const other = this.graph.storedMember(key);
      if (key === member.key || other.goldenId === member.goldenId || this.graph.separated(member.key, key)) continue;
      goldenIds.add(other.goldenId);
    }
    const compatible = [...goldenIds].filter((goldenId) => {
      const theirs = this.graph.residentIdOf(goldenId);
      return (
        (theirs === undefined || residentId === undefined || theirs === residentId) &&
        !this.graph.anySeparated(new Set([member.key]), this.graph.memberKeysOf(goldenId))
      );
    });
    if (compatible.length !== 1) return undefined;
    const goldenId = compatible[0] as string;
    return {
      goldenId,
      link: { rule: 'nameBirthDate', confidence: this.options.weakMatch.confidence },
      residentId: this.graph.residentIdOf(goldenId),
      createdAt: this.graph.createdAtOf(goldenId),
    };
  }
}

function anyNamesCompatible(ours: readonly string[], theirs: readonly string[]): boolean {
  return ours.some((name) => theirs.some((other) => namesCompatible(name, other)));
}
