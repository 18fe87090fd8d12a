import type { OutgoingRecord } from './kafka-client.js';

/**
 * Half the broker's default max.message.bytes (1 MiB), which bounds one produce request's batch
 * per partition: room for the record framing and a broker configured a little lower.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

// Per-record framing (lengths, offsets, timestamps, attributes) on top of key, value and headers.
const RECORD_OVERHEAD_BYTES = 64;

function sizeOf(record: OutgoingRecord): number {
  let size = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers ?? {})) size += name.length + Buffer.byteLength(value);
  return size;
}

/**
 * Splits records into runs that each fit one produce request, keeping their order. A flow's
 * outputs for one fetched batch (about 1 MiB of input) can outgrow the input — enriched records,
 * tracing headers — and sent at once onto one partition they were refused as too large, so the
 * batch could never be committed. A record too large by itself goes alone, for the broker to judge.
 */
export function sizeBoundedChunks(records: readonly OutgoingRecord[], maxBytes = MAX_REQUEST_BYTES): OutgoingRecord[][] {
  const chunks: OutgoingRecord[][] = [];
  let current: OutgoingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = sizeOf(record);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
