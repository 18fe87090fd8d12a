import type { HopStageKind } from './hop-stage.js';
import type { TraceHop } from './trace-hop.js';

// Within one millisecond a cause comes before what it caused: a source record before a flow's output, a record before its dead letter.
const CAUSAL_RANK: Readonly<Record<HopStageKind, number>> = {
  source: 0,
  replay: 0,
  flow: 1,
  sink: 1,
  'customer-view': 1,
  'dead-letter': 2,
};

/**
 * The hops in the order they happened, each timed from the one before and from the first. Kafka
 * timestamps are the producers' clocks in milliseconds, so ties are broken by causal rank, then by
 * where the records are, which keeps the order the same every time.
 */
export function timeline(hops: readonly TraceHop[]): TraceHop[] {
  const ordered = [...hops].sort(
    (a, b) =>
      Date.parse(a.timestamp) - Date.parse(b.timestamp) ||
      CAUSAL_RANK[a.stage.kind] - CAUSAL_RANK[b.stage.kind] ||
      a.topic.localeCompare(b.topic) ||
      a.partition - b.partition ||
      compareOffsets(a.offset, b.offset),
  );
  const first = ordered[0] === undefined ? 0 : Date.parse(ordered[0].timestamp);
  return ordered.map((hop, index) => ({
    ...hop,
    sincePreviousMs: index === 0 ? null : Date.parse(hop.timestamp) - Date.parse(ordered[index - 1]!.timestamp),
    sinceFirstMs: Date.parse(hop.timestamp) - first,
  }));
}

function compareOffsets(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}
