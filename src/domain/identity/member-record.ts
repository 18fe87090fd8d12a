import type { Identifier, ObservedEvent, PersonAttributes } from './identity-observation.js';

/**
 * One system's record of a person, as the resolver keeps it. Member records are the resolver's
 * whole state: golden records, indexes and redirects are all derived from them, so that writing
 * them to a compacted topic and reading them back (restore) rebuilds exactly the same resolver.
 */
export interface MemberRecord {
  /** `${system}:${systemId}`, which is also the value of its own systemRef identifier. */
  key: string;
  system: string;
  systemId: string;
  goldenId: string;
  identifiers: Identifier[];
  attributes: PersonAttributes;
  /** When the observation the identifiers and attributes come from happened: the newest one seen. */
  observedAt: string;
  /** The earliest observation seen; the oldest member of a golden record decides which part keeps its id on a split. */
  firstSeenAt: string;
  /** Rule the member joined its golden record by: an identifier kind, 'nameBirthDate', 'sourceMerge', 'manual' or 'new'. */
  matchedOn: string;
  confidence: number;
  /** Newest first, at most MEMBER_EVENT_LIMIT. */
  recentEvents: ObservedEvent[];
  /** Member keys this member must not be linked with automatically (a data steward separated them). */
  separatedFrom: string[];
  /** For a record its own system merged into another: the surviving member's key. */
  mergedInto?: string;
}

export const MEMBER_EVENT_LIMIT = 5;
