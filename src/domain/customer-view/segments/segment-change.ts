import type { SegmentAssignment } from './segment-rules.js';
import { segmentRank, type ValueSegment } from './value-segment.js';

/**
 * A customer moved to another value segment: an event for the CRM and the timeline. UPGRADE and
 * DOWNGRADE compare the segments' order (PLATINUM best, UNCLASSIFIED last); INITIAL is a customer
 * without a previous segment; RECLASSIFIED one whose previous segment is not a current name.
 */
export interface SegmentChange {
  eventType: 'ValueSegmentChanged';
  from: string | null;
  to: ValueSegment;
  direction: 'UPGRADE' | 'DOWNGRADE' | 'INITIAL' | 'RECLASSIFIED';
  /** The rule that gave the new segment, e.g. rules[1] or default. */
  rule: string;
}

/** The change from `previous` to `next`, or undefined when the segment stays: an unchanged segment is no event. */
export function segmentChange(previous: string | undefined, next: SegmentAssignment): SegmentChange | undefined {
  if (previous === next.segment) return undefined;
  const before = previous === undefined ? undefined : segmentRank(previous);
  const after = segmentRank(next.segment) as number;
  const direction = previous === undefined ? 'INITIAL' : before === undefined ? 'RECLASSIFIED' : after < before ? 'UPGRADE' : 'DOWNGRADE';
  return { eventType: 'ValueSegmentChanged', from: previous ?? null, to: next.segment, direction, rule: next.rule };
}
