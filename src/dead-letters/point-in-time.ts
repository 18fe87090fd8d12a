import { ConfigError } from '../errors/hub-error.js';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const RELATIVE = /^(\d{1,6})([smhd])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// A time of day without a zone would depend on where the CLI runs: require one.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A bound of a time range as people type it: an ISO date-time with zone (`2026-03-01T08:00:00Z`),
 * a date (`2026-03-01`, midnight UTC), or an age (`30m`, `2h`, `7d` ago). Throws ConfigError
 * DEAD_LETTER_FILTER_INVALID otherwise, naming the accepted forms.
 */
export function parsePointInTime(text: string, name: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  const relative = RELATIVE.exec(trimmed);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]!]!);
  if (DATE.test(trimmed) || DATE_TIME.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  throw new ConfigError('DEAD_LETTER_FILTER_INVALID', `${name} ${JSON.stringify(text)} is not a time: give an ISO date-time with zone (2026-03-01T08:00:00Z), a date (2026-03-01) or an age (30m, 2h, 7d)`);
}
