/**
 * The symbols of crmhub.customer.ValueSegment (schemas/customer/Customer.avsc), best first; a test
 * keeps the two in step. UNCLASSIFIED is what the CRM shows before any scoring.
 */
export const VALUE_SEGMENTS = ['PLATINUM', 'GOLD', 'SILVER', 'BRONZE', 'UNCLASSIFIED'] as const;
export type ValueSegment = (typeof VALUE_SEGMENTS)[number];

export const UNCLASSIFIED: ValueSegment = 'UNCLASSIFIED';

export function isValueSegment(name: unknown): name is ValueSegment {
  return typeof name === 'string' && (VALUE_SEGMENTS as readonly string[]).includes(name);
}

/** 0 for the best segment, growing downwards; undefined for a name that is not a segment. */
export function segmentRank(name: string): number | undefined {
  const rank = (VALUE_SEGMENTS as readonly string[]).indexOf(name);
  return rank < 0 ? undefined : rank;
}
