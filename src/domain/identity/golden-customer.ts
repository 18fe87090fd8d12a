import type { ObservedEvent, PersonAttributes } from './identity-observation.js';
import type { MemberRecord } from './member-record.js';
import { compareStrings } from './string-order.js';
import type { FieldCandidate, SurvivorshipChooser, SurvivorshipField } from './survivorship-policy.js';

/** The single customer view: one person across systems, fields chosen by survivorship. */
export interface GoldenCustomer {
  goldenId: string;
  status: 'ACTIVE' | 'MERGED';
  mergedIntoGoldenId: string | null;
  fullName: string | null;
  idType: string | null;
  idNumber: string | null;
  birthDate: string | null;
  gender: string | null;
  mobile: string | null;
  email: string | null;
  address: Record<string, unknown> | null;
  customerType: string | null;
  policyNumbers: string[];
  vehiclePlates: string[];
  members: { system: string; systemId: string; matchedOn: string; confidence: number }[];
  /** Field -> the system whose value won. */
  fieldSources: Record<string, string>;
  /** Newest first, at most GOLDEN_EVENT_LIMIT across members. */
  recentEvents: ObservedEvent[];
  /** The earliest firstSeenAt of the members. */
  createdAt: string;
  /** The newest observedAt of the members. */
  updatedAt: string;
}

export const GOLDEN_EVENT_LIMIT = 10;

/**
 * The golden record of a group of members, computed from them alone — never patched in place —
 * so that the same members give the same record whatever happened before.
 */
export function goldenCustomer(goldenId: string, members: readonly MemberRecord[], choose: SurvivorshipChooser): GoldenCustomer {
  const sorted = [...members].sort((a, b) => compareStrings(a.key, b.key));
  const fieldSources: Record<string, string> = {};
  const pick = <K extends SurvivorshipField>(field: K): FieldCandidate<PersonAttributes[K]> | undefined => {
    const winner = choose(
      field,
      sorted.map((member) => ({
        system: member.system,
        memberKey: member.key,
        observedAt: member.observedAt,
        value: member.attributes[field],
      })),
    );
    if (winner !== undefined) fieldSources[field] = winner.system;
    return winner;
  };
  const fullName = pick('fullName');
  const idNumber = pick('idNumber');
  const birthDate = pick('birthDate');
  const gender = pick('gender');
  const mobile = pick('mobile');
  const email = pick('email');
  const address = pick('address');
  const customerType = pick('customerType');
  // The document type goes with the number it describes, from the same member.
  const idType = idNumber === undefined ? undefined : sorted.find((member) => member.key === idNumber.memberKey)?.attributes.idType;
  if (idType !== undefined && idNumber !== undefined) fieldSources.idType = idNumber.system;
  return {
    goldenId,
    status: 'ACTIVE',
    mergedIntoGoldenId: null,
    fullName: fullName?.value ?? null,
    idType: idType ?? null,
    idNumber: idNumber?.value ?? null,
    birthDate: birthDate?.value ?? null,
    gender: gender?.value ?? null,
    mobile: mobile?.value ?? null,
    email: email?.value ?? null,
    address: address?.value ?? null,
    customerType: customerType?.value ?? null,
    policyNumbers: identifierValues(sorted, 'policyNumber'),
    vehiclePlates: identifierValues(sorted, 'plate'),
    members: sorted.map((member) => ({
      system: member.system,
      systemId: member.systemId,
      matchedOn: member.matchedOn,
      confidence: member.confidence,
    })),
    fieldSources,
    recentEvents: newestEvents(
      sorted.flatMap((member) => member.recentEvents),
      GOLDEN_EVENT_LIMIT,
    ),
    createdAt: sorted.reduce(
      (earliest, member) => (member.firstSeenAt < earliest ? member.firstSeenAt : earliest),
      sorted[0]?.firstSeenAt ?? '',
    ),
    updatedAt: sorted.reduce((latest, member) => (member.observedAt > latest ? member.observedAt : latest), sorted[0]?.observedAt ?? ''),
  };
}

/** Events newest first (ties by event id, so the order never depends on input order), each event once, at most `limit`. */
export function newestEvents(events: readonly ObservedEvent[], limit: number): ObservedEvent[] {
  const unique = new Map<string, ObservedEvent>();
  for (const event of events) if (!unique.has(event.eventId)) unique.set(event.eventId, event);
  return [...unique.values()]
    .sort((a, b) => compareStrings(b.occurredAt, a.occurredAt) || compareStrings(b.eventId, a.eventId))
    .slice(0, limit);
}

function identifierValues(members: readonly MemberRecord[], kind: 'policyNumber' | 'plate'): string[] {
  const values = new Set<string>();
  for (const member of members) for (const identifier of member.identifiers) if (identifier.kind === kind) values.add(identifier.value);
  return [...values].sort(compareStrings);
}
