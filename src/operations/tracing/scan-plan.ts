import type { OffsetRange } from '../../platform/kafka/kafka-client.js';

export interface ScanPlan {
  /** What to read: every non-empty span, or the newest part of each when the spans hold more than the limit. */
  ranges: OffsetRange[];
  /** Records (by offsets) between `since` and now. */
  inRange: number;
  /** Records the ranges hold: inRange, or the limit when it was hit. */
  planned: number;
  limitHit: boolean;
}

/**
 * Bounds a scan to `limit` records. When the spans hold more, each partition keeps its newest
 * records in proportion to its share (largest remainders get the odd ones), so the part read is the
 * recent past on every partition alike: a trace is most often asked for about something that just
 * happened, and a partition left out entirely could hide a hop.
 */
export function planScan(spans: readonly OffsetRange[], limit: number): ScanPlan {
  const sized = spans.map((span) => ({ span, count: BigInt(span.to) - BigInt(span.from) })).filter((entry) => entry.count > 0n);
  const total = sized.reduce((sum, entry) => sum + entry.count, 0n);
  const budget = BigInt(Math.max(0, Math.floor(limit)));
  if (total <= budget)
    return { ranges: sized.map((entry) => ({ ...entry.span })), inRange: Number(total), planned: Number(total), limitHit: false };

  const shares = sized.map((entry, index) => ({
    ...entry,
    index,
    quota: (entry.count * budget) / total,
    remainder: (entry.count * budget) % total,
  }));
  let left = budget - shares.reduce((sum, share) => sum + share.quota, 0n);
  const byRemainder = [...shares].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.quota++;
    left--;
  }
  const ranges = shares
    .filter((share) => share.quota > 0n)
    .map((share) => ({ ...share.span, from: (BigInt(share.span.to) - share.quota).toString() }));
  return { ranges, inRange: Number(total), planned: Number(budget), limitHit: true };
}
