import type { Identifier } from './identity-observation.js';
import { identifierKey, MemberIndex } from './member-index.js';
import type { MemberRecord } from './member-record.js';

const NO_MEMBERS: ReadonlySet<string> = new Set();

/**
 * The member records and the golden records they form: which members each active golden id
 * groups, and the index of who holds which identifier. Storing a member keeps the groups and the
 * index in step; deciding where a member belongs is the lifecycle's business, not the graph's.
 */
export class IdentityGraph {
  private readonly members = new Map<string, MemberRecord>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly index = new MemberIndex();

  get memberCount(): number {
    return this.members.size;
  }

  /** Golden ids that have members: the active golden records. */
  get activeGoldenCount(): number {
    return this.groups.size;
  }

  clear(): void {
    this.members.clear();
    this.groups.clear();
    this.index.clear();
  }

  member(key: string): MemberRecord | undefined {
    return this.members.get(key);
  }

  /** A member the caller knows is stored (a key taken from a group or an index). */
  storedMember(key: string): MemberRecord {
    return this.members.get(key) as MemberRecord;
  }

  memberRecords(): IterableIterator<MemberRecord> {
    return this.members.values();
  }

  /** Stores a member record in place of its previous version, moving it to the group of its goldenId. */
  store(member: MemberRecord): void {
    const previous = this.members.get(member.key);
    if (previous !== undefined) {
      this.index.remove(previous);
      const group = this.groups.get(previous.goldenId);
      group?.delete(member.key);
      if (group?.size === 0) this.groups.delete(previous.goldenId);
    }
    this.members.set(member.key, member);
    this.index.add(member);
    this.addToGroup(member.goldenId, member.key);
  }

  isActive(goldenId: string): boolean {
    return this.groups.has(goldenId);
  }

  activeGoldenIds(): IterableIterator<string> {
    return this.groups.keys();
  }

  /** The member keys of an active golden record; none for any other id. */
  memberKeysOf(goldenId: string): ReadonlySet<string> {
    return this.groups.get(goldenId) ?? NO_MEMBERS;
  }

  membersOf(goldenId: string): MemberRecord[] {
    return [...this.memberKeysOf(goldenId)].map((key) => this.storedMember(key));
  }

  /** Members holding a link key (see linkKeys). */
  holdersOf(linkKey: string): ReadonlySet<string> {
    return this.index.holders(linkKey);
  }

  /** Members with the same name-and-birth-date key (see nameBirthKey). */
  nameBirthHoldersOf(nameBirth: string): ReadonlySet<string> {
    return this.index.nameBirthHolders(nameBirth);
  }

  /** Whether a data steward separated the two members (either side declaring it is enough). */
  separated(a: string, b: string): boolean {
    return this.index.separated(a, b);
  }

  /** Whether any of `joined` was separated by hand from any member of `group`. */
  anySeparated(joined: ReadonlySet<string>, group: ReadonlySet<string>): boolean {
    for (const key of joined) for (const partner of this.index.partners(key)) if (group.has(partner)) return true;
    return false;
  }

  /** Every active golden record one of whose members holds the identifier, sorted. */
  goldenIdsHolding(identifier: Identifier): string[] {
    const goldenIds = new Set<string>();
    for (const key of this.index.holders(identifierKey(identifier.kind, identifier.value))) {
      const member = this.members.get(key);
      if (member?.identifiers.some((own) => own.kind === identifier.kind && own.value === identifier.value)) goldenIds.add(member.goldenId);
    }
    return [...goldenIds].sort();
  }

  /** When a golden record was created: the earliest firstSeenAt of its members ('' for none). */
  createdAtOf(goldenId: string): string {
    let earliest: string | undefined;
    for (const key of this.memberKeysOf(goldenId)) {
      const firstSeenAt = this.storedMember(key).firstSeenAt;
      if (earliest === undefined || firstSeenAt < earliest) earliest = firstSeenAt;
    }
    return earliest ?? '';
  }

  /** The resident ID number of a golden record: the first one a member of it carries. */
  residentIdOf(goldenId: string): string | undefined {
    for (const key of this.memberKeysOf(goldenId)) {
      const residentId = memberResidentId(this.members.get(key));
      if (residentId !== undefined) return residentId;
    }
    return undefined;
  }

  /** The distinct full names the members of a golden record carry. */
  namesOf(goldenId: string): string[] {
    const names = new Set<string>();
    for (const key of this.memberKeysOf(goldenId)) {
      const name = this.members.get(key)?.attributes.fullName;
      if (name !== undefined) names.add(name);
    }
    return [...names];
  }

  private addToGroup(goldenId: string, key: string): void {
    const group = this.groups.get(goldenId);
    if (group === undefined) this.groups.set(goldenId, new Set([key]));
    else group.add(key);
  }
}

export function memberResidentId(member: MemberRecord | undefined): string | undefined {
  return member?.identifiers.find((identifier) => identifier.kind === 'residentId')?.value;
}
