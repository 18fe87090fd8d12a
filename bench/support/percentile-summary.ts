/** What a latency or memory figure is read from: how many values, the median, the 99th percentile and the highest. */
export interface PercentileSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Nearest-rank percentiles (the smallest value with at least p% of the values at or below it),
 * so that a reported p99 is a latency some message really had, never an interpolation.
 */
export function percentileSummary(values: readonly number[]): PercentileSummary {
  if (values.length === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { count: sorted.length, p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1] as number };
}
