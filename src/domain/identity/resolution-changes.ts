import type { GoldenCustomer } from './golden-customer.js';
import type { GoldenRecords } from './golden-records.js';
import type { IdentityEvent } from './identity-event.js';
import type { IdentityGraph } from './identity-graph.js';
import type { MemberRecord } from './member-record.js';
import { sameContent } from './same-content.js';
import { compareStrings } from './string-order.js';

export interface ResolutionOutcome {
  /** The golden record the observed (or unmerged) member belongs to afterwards. */
  goldenId: string;
  changedMembers: MemberRecord[];
  changedGoldens: GoldenCustomer[];
  events: IdentityEvent[];
}

/**
 * What one call of the resolver changes: every member record is stored through it, so it knows the
 * state before each member and golden record the call touched, and the events the call raised.
 * Committing rebuilds the touched golden records and reports only those whose content changed.
 */
export class ResolutionChanges {
  private readonly membersBefore = new Map<string, MemberRecord | undefined>();
  private readonly goldensBefore = new Map<string, GoldenCustomer | undefined>();
  private readonly events: IdentityEvent[] = [];

  constructor(
    private readonly graph: IdentityGraph,
    private readonly goldens: GoldenRecords,
  ) {}

  /** Stores a member record in the graph, remembering what it and the golden records it leaves and joins were before. */
  storeMember(member: MemberRecord): void {
    const previous = this.graph.member(member.key);
    if (!this.membersBefore.has(member.key)) this.membersBefore.set(member.key, previous);
    if (previous !== undefined) this.touchGolden(previous.goldenId);
    this.touchGolden(member.goldenId);
    this.graph.store(member);
  }

  /** Remembers a golden record as it was before this call, the first time the call touches it. */
  touchGolden(goldenId: string): void {
    if (this.goldensBefore.has(goldenId)) return;
    this.goldensBefore.set(goldenId, this.goldens.stored(goldenId));
  }

  raise(event: IdentityEvent): void {
    this.events.push(event);
  }

  /** Rebuilds the golden records the call touched and reports what changed, in key order; `key` is the member the call was about. */
  commit(key: string): ResolutionOutcome {
    const changedGoldens: GoldenCustomer[] = [];
    for (const [goldenId, before] of [...this.goldensBefore].sort(([a], [b]) => compareStrings(a, b))) {
      let after: GoldenCustomer | undefined;
      if (this.graph.isActive(goldenId)) {
        after = this.goldens.build(goldenId, this.graph.membersOf(goldenId));
        this.goldens.setActive(after);
      } else {
        this.goldens.deactivate(goldenId);
        after = this.goldens.mergedAwayRecord(goldenId);
      }
      if (after !== undefined && !sameContent(after, before)) changedGoldens.push(after);
    }
    const changedMembers: MemberRecord[] = [];
    for (const [memberKey, before] of [...this.membersBefore].sort(([a], [b]) => compareStrings(a, b))) {
      const after = this.graph.storedMember(memberKey);
      if (!sameContent(after, before)) changedMembers.push(after);
    }
    return { goldenId: this.graph.storedMember(key).goldenId, changedMembers, changedGoldens, events: this.events };
  }
}
