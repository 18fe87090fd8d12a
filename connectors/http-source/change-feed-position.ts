/**
 * Where a change-feed poll resumes: the changed-since watermark of the query in progress and, while
 * paging through it, the cursor of the next page. The watermark only moves once a query has been
 * paged to its end, so a crash mid-query repeats pages (at least once) and never skips records.
 */
export interface ChangeFeedPosition {
  [field: string]: unknown;
  updatedSince: string | null;
  cursor: string | null;
  /** Highest updatedAt seen in the query in progress: the next query's watermark. */
  highWatermark: string | null;
}

export function initialPosition(startFrom: string | undefined): ChangeFeedPosition {
  return { updatedSince: startFrom ?? null, cursor: null, highWatermark: startFrom ?? null };
}

export function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
