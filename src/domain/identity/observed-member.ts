import { newestEvents } from './golden-customer.js';
import { IdentityError } from './identity-error.js';
import type { Identifier, IdentifierKind, IdentityObservation, ObservedEvent } from './identity-observation.js';
import { identifierKey } from './member-index.js';
import { MEMBER_EVENT_LIMIT, type MemberRecord } from './member-record.js';
import { compareStrings } from './string-order.js';

const KIND_ORDER: readonly IdentifierKind[] = ['systemRef', 'residentId', 'policyNumber', 'mobile', 'plate', 'email'];

/**
 * The member record a newer observation (or the first one) makes: the newest observation speaks for
 * the member (identifiers, attributes). Its golden id and match stay the previous record's until the
 * golden lifecycle places it.
 */
export function observedMember(
  key: string,
  observation: IdentityObservation,
  at: string,
  previous: MemberRecord | undefined,
): MemberRecord {
  return {
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
}

/** An older or repeated observation adds at most its event to the history; `previous` itself when it adds nothing. */
export function withOlderObservation(previous: MemberRecord, event: ObservedEvent, at: string): MemberRecord {
  const recentEvents = withEvent(previous.recentEvents, event);
  const firstSeenAt = at < previous.firstSeenAt ? at : previous.firstSeenAt;
  if (recentEvents === previous.recentEvents && firstSeenAt === previous.firstSeenAt) return previous;
  return { ...previous, recentEvents, firstSeenAt };
}

/**
 * Whether an observation is newer than what the member shows: later, or at the same instant with
 * a greater event id — a total order, so that the last word on a member does not depend on the
 * order its events arrive in.
 */
export function isNewer(at: string, event: ObservedEvent, member: MemberRecord): boolean {
  if (at !== member.observedAt) return at > member.observedAt;
  const shown = member.recentEvents
    .filter((known) => known.occurredAt === member.observedAt)
    .reduce((max, known) => (known.eventId > max ? known.eventId : max), '');
  return event.eventId > shown;
}

/** A timestamp as the canonical ISO instant, so that comparing strings compares times. */
export function isoInstant(value: string, field: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new IdentityError('IDENTITY_OBSERVATION_INVALID', `${field} must be an ISO instant`);
  return new Date(time).toISOString();
}

/** The observation's identifiers, deduplicated and sorted, with the member's own systemRef always among them. */
function ownIdentifiers(key: string, identifiers: readonly Identifier[]): Identifier[] {
  const unique = new Map<string, Identifier>([[identifierKey('systemRef', key), { kind: 'systemRef', value: key }]]);
  for (const identifier of identifiers)
    unique.set(identifierKey(identifier.kind, identifier.value), { kind: identifier.kind, value: identifier.value });
  return [...unique.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compareStrings(a.value, b.value));
}

function withEvent(events: ObservedEvent[], event: ObservedEvent): ObservedEvent[] {
  if (events.some((known) => known.eventId === event.eventId)) return events;
  const next = newestEvents([...events, event], MEMBER_EVENT_LIMIT);
  return next.some((known) => known.eventId === event.eventId) ? next : events;
}
