import type { IdentifierKind, PersonAttributes } from './identity-observation.js';
import type { MemberRecord } from './member-record.js';

/** One thing a member can be linked by: an identifier, or the survivor its own system merged it into. */
export interface LinkKey {
  key: string;
  kind: IdentifierKind;
  value: string;
  /** Held only because the member's system merged it into that member (a systemRef). */
  viaMerge: boolean;
}

export function identifierKey(kind: IdentifierKind, value: string): string {
  return `${kind}\u001f${value}`;
}

export function linkKeys(member: MemberRecord): LinkKey[] {
  const keys = member.identifiers.map((identifier) => ({
    key: identifierKey(identifier.kind, identifier.value),
    kind: identifier.kind,
    value: identifier.value,
    viaMerge: false,
  }));
  const survivor = member.mergedInto;
  if (
    survivor !== undefined &&
    !member.identifiers.some((identifier) => identifier.kind === 'systemRef' && identifier.value === survivor)
  ) {
    keys.push({ key: identifierKey('systemRef', survivor), kind: 'systemRef', value: survivor, viaMerge: true });
  }
  return keys;
}

/** The key of the weak rule: exact normalized full name and birth date, when a member has both. */
export function nameBirthKey(attributes: PersonAttributes): string | undefined {
  return attributes.fullName === undefined || attributes.birthDate === undefined
    ? undefined
    : `${attributes.fullName}\u001f${attributes.birthDate}`;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Which members hold which link key, which share a name and birth date, and which were separated
 * by hand. Separation is declared on one member (its separatedFrom) but binds both ways.
 */
export class MemberIndex {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly byNameBirth = new Map<string, Set<string>>();
  private readonly separatedBy = new Map<string, Set<string>>();
  private readonly declared = new Map<string, ReadonlySet<string>>();

  clear(): void {
    this.byKey.clear();
    this.byNameBirth.clear();
    this.separatedBy.clear();
    this.declared.clear();
  }

  add(member: MemberRecord): void {
    for (const link of linkKeys(member)) addTo(this.byKey, link.key, member.key);
    const nameBirth = nameBirthKey(member.attributes);
    if (nameBirth !== undefined) addTo(this.byNameBirth, nameBirth, member.key);
    if (member.separatedFrom.length > 0) {
      this.declared.set(member.key, new Set(member.separatedFrom));
      for (const other of member.separatedFrom) addTo(this.separatedBy, other, member.key);
    }
  }

  remove(member: MemberRecord): void {
    for (const link of linkKeys(member)) removeFrom(this.byKey, link.key, member.key);
    const nameBirth = nameBirthKey(member.attributes);
    if (nameBirth !== undefined) removeFrom(this.byNameBirth, nameBirth, member.key);
    if (this.declared.delete(member.key)) for (const other of member.separatedFrom) removeFrom(this.separatedBy, other, member.key);
  }

  holders(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? NONE;
  }

  nameBirthHolders(key: string): ReadonlySet<string> {
    return this.byNameBirth.get(key) ?? NONE;
  }

  separated(a: string, b: string): boolean {
    return (this.declared.get(a)?.has(b) ?? false) || (this.declared.get(b)?.has(a) ?? false);
  }

  /** Every member `key` must not be linked with, whichever side declared it. */
  partners(key: string): string[] {
    const declared = this.declared.get(key);
    const by = this.separatedBy.get(key);
    if (declared === undefined && by === undefined) return [];
    return [...(declared ?? []), ...(by ?? [])];
  }
}

function addTo(map: Map<string, Set<string>>, key: string, member: string): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([member]));
  else set.add(member);
}

function removeFrom(map: Map<string, Set<string>>, key: string, member: string): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(member);
  if (set.size === 0) map.delete(key);
}
