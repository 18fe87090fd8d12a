/**
 * What changed in the grouping of members, for data stewards and downstream systems: two golden
 * records became one, one was split, or a link was refused because the records carry different
 * resident ID numbers (or were separated by hand). Reasons never carry identifier values.
 */
export interface IdentityEvent {
  eventType: 'MERGED' | 'UNMERGED' | 'CONFLICT';
  /** MERGED: the survivor; UNMERGED: the record split from; CONFLICT: where the member went. */
  goldenId: string;
  /** MERGED: the record merged away; UNMERGED: the new record; CONFLICT: the record the link was refused to. */
  otherGoldenId: string | null;
  /** The member whose observation (or unmerge) caused the change. */
  memberKey: string | null;
  rule: string;
  confidence: number;
  reason: string;
  occurredAt: string;
}
