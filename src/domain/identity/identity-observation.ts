/**
 * What the identity resolver learns from one canonical record: which system holds which person
 * under which id, by which identifiers, with which attributes. Extracted from the five topics that
 * carry people (see observation-extractor.ts); the resolver never reads a canonical record itself.
 */

export type IdentifierKind = 'residentId' | 'mobile' | 'email' | 'policyNumber' | 'plate' | 'systemRef';

/** A normalized identifier; a systemRef's value is `${system}:${systemId}`. */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

/** The event an observation came from, kept so that a golden record can show its recent history. */
export interface ObservedEvent {
  eventId: string;
  eventType: string;
  topic: string;
  /** The business key of the record in its own system: customer, policy, claim or ticket number. */
  reference: string;
  occurredAt: string;
  correlationId: string;
}

export interface PersonAttributes {
  fullName?: string;
  idType?: string;
  idNumber?: string;
  birthDate?: string;
  gender?: string;
  mobile?: string;
  email?: string;
  address?: Record<string, unknown>;
  customerType?: string;
}

export interface IdentityObservation {
  system: string;
  systemId: string;
  /** ISO instant the record changed in its system (meta.occurredAt): decides which observation of a member is newest. */
  observedAt: string;
  identifiers: Identifier[];
  attributes: PersonAttributes;
  event: ObservedEvent;
  /** For a CRM merge: the systemRef of the surviving member. */
  mergedInto?: string;
}

export interface InvalidIdentifier {
  /** Path of the field in the record, e.g. holder.idNumber or phones[0].number. */
  field: string;
  kind: IdentifierKind;
  reason: string;
}

export type Extraction =
  | { kind: 'observation'; observation: IdentityObservation }
  | { kind: 'quarantine'; system: string; systemId: string; topic: string; invalid: InvalidIdentifier[]; event: ObservedEvent }
  | { kind: 'none' };

/** The canonical topics that carry people, one per member system. */
export const IDENTITY_SOURCE_TOPICS: readonly string[] = [
  'crm.customer.v1',
  'policy.policy.v1',
  'claims.claim.v1',
  'service.request.v1',
  'erp.customer-xref.v1',
];

/** The key of a member and the value of its systemRef identifier. */
export function memberKey(system: string, systemId: string): string {
  return `${system}:${systemId}`;
}
