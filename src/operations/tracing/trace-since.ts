import { TraceQueryError } from './trace-query-error.js';

const DURATION = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** How far back a trace looks unless told otherwise. */
export const DEFAULT_TRACE_WINDOW_MS = 24 * 3_600_000;

/**
 * Where a trace starts reading: an ISO time (`2026-03-01T08:00:00Z`, or a day, `2026-03-01`, taken
 * as UTC midnight) or a span back from `now` (`90s`, `30m`, `2h`, `7d`) as an operator types it.
 */
export function parseSince(text: string, now: number = Date.now()): Date {
  const trimmed = text.trim();
  const duration = DURATION.exec(trimmed);
  if (duration) return new Date(now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  const time = /^\d{4}-\d{2}-\d{2}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(time))
    throw new TraceQueryError(`since ${JSON.stringify(text)} is neither an ISO time (2026-03-01T08:00:00Z) nor a span back (30m, 2h, 7d)`);
  if (time > now) throw new TraceQueryError(`since ${JSON.stringify(text)} is in the future`);
  return new Date(time);
}
