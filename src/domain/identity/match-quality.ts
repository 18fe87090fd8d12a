import { IdentityError } from './identity-error.js';
import { memberKey } from './identity-observation.js';
import { IdentityResolver } from './identity-resolver.js';
import { extractObservation } from './observation-extractor.js';

/**
 * Pairwise quality of a resolution against ground truth: of the pairs of member records put in one
 * golden record, the share that are one person (precision); of the pairs that are one person, the
 * share put in one golden record (recall). Members known only from quarantined records take no part.
 */
export interface MatchQuality {
  precision: number;
  recall: number;
  f1: number;
  members: number;
  goldens: number;
  persons: number;
  /** Pairs of members of the same person. */
  truePairs: number;
  /** Pairs of members in the same golden record. */
  predictedPairs: number;
  /** Pairs both of the same person and in the same golden record. */
  correctPairs: number;
  quarantinedEvents: number;
  /** Members every one of whose records was quarantined. */
  quarantinedOnlyMembers: number;
}

export interface MemberAssignment {
  memberKey: string;
  goldenId: string;
  personId: string;
}

export function pairwiseMatchQuality(
  assignments: Iterable<MemberAssignment>,
  quarantined: { events: number; onlyMembers: number } = { events: 0, onlyMembers: 0 },
): MatchQuality {
  const byGolden = new Map<string, number>();
  const byPerson = new Map<string, number>();
  const byBoth = new Map<string, number>();
  let members = 0;
  for (const { goldenId, personId } of assignments) {
    members++;
    increment(byGolden, goldenId);
    increment(byPerson, personId);
    increment(byBoth, `${goldenId}\u001f${personId}`);
  }
  const truePairs = pairs(byPerson);
  const predictedPairs = pairs(byGolden);
  const correctPairs = pairs(byBoth);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    members,
    goldens: byGolden.size,
    persons: byPerson.size,
    truePairs,
    predictedPairs,
    correctPairs,
    quarantinedEvents: quarantined.events,
    quarantinedOnlyMembers: quarantined.onlyMembers,
  };
}

/** An event of a labelled data set: a canonical record and the person it is really about. */
export interface LabelledEvent {
  topic: string;
  value: Record<string, unknown>;
  personId: string;
}

export interface ResolutionRun {
  quality: MatchQuality;
  resolver: IdentityResolver;
  events: number;
  /** Events of which the extractor made a quarantine. */
  quarantinedEvents: LabelledEvent[];
}

/**
 * Extracts and resolves every event in order with `resolver`, then measures the result against the
 * events' persons. Quarantined events are kept (not their count only) so a test can check that
 * exactly the records meant to be invalid were quarantined.
 */
export function evaluateResolution(events: Iterable<LabelledEvent>, resolver: IdentityResolver = new IdentityResolver()): ResolutionRun {
  const truth = new Map<string, string>();
  const quarantinedEvents: LabelledEvent[] = [];
  const quarantinedKeys = new Set<string>();
  let count = 0;
  for (const event of events) {
    count++;
    const extraction = extractObservation(event.topic, event.value);
    if (extraction.kind === 'none') continue;
    const key =
      extraction.kind === 'observation'
        ? memberKey(extraction.observation.system, extraction.observation.systemId)
        : memberKey(extraction.system, extraction.systemId);
    const known = truth.get(key);
    if (known !== undefined && known !== event.personId)
      throw new IdentityError('IDENTITY_TRUTH_INCONSISTENT', `member ${key} is labelled with two different persons`);
    truth.set(key, event.personId);
    if (extraction.kind === 'observation') {
      resolver.resolve(extraction.observation);
    } else {
      quarantinedEvents.push(event);
      quarantinedKeys.add(key);
    }
  }
  const assignments: MemberAssignment[] = [];
  for (const member of resolver.memberRecords())
    assignments.push({ memberKey: member.key, goldenId: member.goldenId, personId: truth.get(member.key) as string });
  const onlyMembers = [...quarantinedKeys].filter((key) => resolver.member(key) === undefined).length;
  return {
    quality: pairwiseMatchQuality(assignments, { events: quarantinedEvents.length, onlyMembers }),
    resolver,
    events: count,
    quarantinedEvents,
  };
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function pairs(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += (count * (count - 1)) / 2;
  return total;
}
