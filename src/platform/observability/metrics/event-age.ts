/** How far ahead of this host an event may claim to have happened: the source system's clock may run a little fast. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Older than this, a record is a backfill, an import or a replay rather than a measure of latency:
 * it would only pile up in the histogram's top bucket and hide the real figures.
 */
export const MAX_EVENT_AGE_MS = 24 * 3600 * 1000;

/**
 * When the event behind a record happened: its `meta.occurredAt` (ISO text in the JSON form of
 * timestamp-millis, or epoch milliseconds), or undefined when it has none that parses.
 */
export function eventOccurredAt(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const meta = (value as { meta?: unknown }).meta;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const occurredAt = (meta as { occurredAt?: unknown }).occurredAt;
  const ms = typeof occurredAt === 'string' ? Date.parse(occurredAt) : typeof occurredAt === 'number' ? occurredAt : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Seconds from an event to `atMs`, or undefined when that is no sane latency: later than clock
 * skew explains, or older than `maxAgeMs`. Skew within the tolerance counts as no time at all.
 */
export function eventAgeSeconds(occurredAtMs: number, atMs: number, maxAgeMs = MAX_EVENT_AGE_MS): number | undefined {
  const age = atMs - occurredAtMs;
  if (!Number.isFinite(age) || age < -CLOCK_SKEW_MS || age > maxAgeMs) return undefined;
  return Math.max(0, age) / 1000;
}
