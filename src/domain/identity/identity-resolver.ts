import { GoldenLifecycle } from './golden-lifecycle.js';
import { GoldenRecords } from './golden-records.js';
import type { GoldenCustomer } from './golden-customer.js';
import { IdentityError } from './identity-error.js';
import { IdentityGraph } from './identity-graph.js';
import { memberKey, type Identifier, type IdentityObservation } from './identity-observation.js';
import { LinkCandidateFinder } from './link-candidates.js';
import type { MemberRecord } from './member-record.js';
import { isNewer, isoInstant, observedMember, withOlderObservation } from './observed-member.js';
import { ResolutionChanges, type ResolutionOutcome } from './resolution-changes.js';
import { survivorshipChooser } from './survivorship-policy.js';
import { effectiveResolverOptions, type ResolverOptionsInput } from './resolver-options.js';

export type { GoldenCustomer } from './golden-customer.js';
export type { IdentityEvent } from './identity-event.js';
export type { MemberRecord } from './member-record.js';
export type { ResolutionOutcome } from './resolution-changes.js';
export type { ResolverOptions, ResolverOptionsInput } from './resolver-options.js';

/**
 * Deterministic, in-memory identity resolution: links member records of the five systems into
 * golden customers by shared identifiers, merges golden records an observation bridges, splits
 * them when a member loses its last link, and refuses any link between different resident ID
 * numbers. Its whole state is its member records (see restore); golden ids are name-based on the
 * founding member's key, so replaying the same observations yields the same ids.
 *
 * The front of identity resolution: the graph holds the state, the link candidate finder says which
 * golden records a member may join, the golden lifecycle merges and splits them, and each call's
 * changes are committed into its outcome.
 */
export class IdentityResolver {
  private readonly graph = new IdentityGraph();
  private readonly goldens: GoldenRecords;
  private readonly lifecycle: GoldenLifecycle;

  constructor(options: ResolverOptionsInput = {}) {
    const effective = effectiveResolverOptions(options);
    this.goldens = new GoldenRecords(survivorshipChooser(effective.survivorship));
    this.lifecycle = new GoldenLifecycle(this.graph, this.goldens, new LinkCandidateFinder(this.graph, effective), effective);
  }

  get memberCount(): number {
    return this.graph.memberCount;
  }

  /** Active golden records. */
  get goldenCount(): number {
    return this.graph.activeGoldenCount;
  }

  /**
   * Rebuilds the state from member records (e.g. read back from a compacted topic). Golden records
   * merged away are not derivable from members; pass them as `mergedGoldens` to keep activeGoldenId
   * following their redirects.
   */
  restore(members: Iterable<MemberRecord>, mergedGoldens: Iterable<GoldenCustomer> = []): void {
    this.graph.clear();
    this.goldens.clear();
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
      this.graph.store(member);
    }
    for (const goldenId of this.graph.activeGoldenIds())
      this.goldens.setActive(this.goldens.build(goldenId, this.graph.membersOf(goldenId)));
    for (const golden of mergedGoldens)
      if (golden.status === 'MERGED' && !this.graph.isActive(golden.goldenId)) this.goldens.retire(golden);
  }

  resolve(observation: IdentityObservation): ResolutionOutcome {
    const at = isoInstant(observation.observedAt, 'observedAt');
    const key = memberKey(observation.system, observation.systemId);
    const previous = this.graph.member(key);
    const changes = new ResolutionChanges(this.graph, this.goldens);
    if (previous !== undefined && !isNewer(at, observation.event, previous)) {
      const kept = withOlderObservation(previous, observation.event, at);
      if (kept === previous) return unchanged(previous.goldenId);
      changes.storeMember(kept);
      return changes.commit(key);
    }
    const observed = observedMember(key, observation, at, previous);
    if (previous === undefined) this.lifecycle.placeNewMember(changes, observed, at);
    else this.lifecycle.placeUpdatedMember(changes, previous, observed, at);
    return changes.commit(key);
  }

  /** Separates a member from its golden record by hand: it gets its own, and is never linked automatically with those members again. */
  unmerge(key: string, at: string): ResolutionOutcome {
    const member = this.graph.member(key);
    if (member === undefined) throw new IdentityError('IDENTITY_MEMBER_UNKNOWN', `no member ${key} to unmerge`);
    const when = isoInstant(at, 'at');
    const others = [...this.graph.memberKeysOf(member.goldenId)].filter((other) => other !== key);
    if (others.length === 0) return unchanged(member.goldenId);
    const changes = new ResolutionChanges(this.graph, this.goldens);
    this.lifecycle.separateByHand(changes, member, others, when);
    return changes.commit(key);
  }

  /** The golden record as stored: an active one, or one merged away (status MERGED). */
  golden(goldenId: string): GoldenCustomer | undefined {
    return this.goldens.stored(goldenId);
  }

  /** The active golden record an id stands for now, following MERGED redirects. */
  activeGoldenId(goldenId: string): string | undefined {
    return this.lifecycle.activeGoldenId(goldenId);
  }

  member(key: string): MemberRecord | undefined {
    return this.graph.member(key);
  }

  /**
   * The golden record holding an identifier. A systemRef names its member; any other identifier
   * answers only when it is not shared between golden records (a household's phone is).
   */
  find(identifier: Identifier): string | undefined {
    if (identifier.kind === 'systemRef') {
      const own = this.graph.member(identifier.value);
      if (own !== undefined) return own.goldenId;
    }
    const all = this.findAll(identifier);
    return all.length === 1 ? all[0] : undefined;
  }

  /** Every golden record one of whose members holds the identifier, sorted. */
  findAll(identifier: Identifier): string[] {
    return this.graph.goldenIdsHolding(identifier);
  }

  /** Every member record: what restore needs. */
  memberRecords(): IterableIterator<MemberRecord> {
    return this.graph.memberRecords();
  }

  /** Every active golden record. */
  goldenRecords(): IterableIterator<GoldenCustomer> {
    return this.goldens.activeRecords();
  }

  /** Golden records merged away, to pass to restore with the members. */
  mergedGoldenRecords(): IterableIterator<GoldenCustomer> {
    return this.goldens.mergedAwayRecords();
  }
}

function unchanged(goldenId: string): ResolutionOutcome {
  return { goldenId, changedMembers: [], changedGoldens: [], events: [] };
}
