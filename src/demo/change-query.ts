import { decodeChangeCursor, type ChangePosition } from './change-cursor.js';

export interface ChangeQuery {
  updatedSince?: number;
  after?: ChangePosition;
  limit: number;
}

/** A query parameter that cannot be used, as `<parameter>: <problem>`. */
export type ChangeQueryProblem = `${'updatedSince' | 'cursor' | 'limit'}: ${string}`;

// A timestamp without a zone would be read in the simulator's local time, which a client cannot know.
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2024-02-31 over into March; a real API refuses it. */
function isTimestamp(text: string): boolean {
  const match = ISO_TIMESTAMP.exec(text);
  if (!match || Number.isNaN(Date.parse(text))) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Parses `updatedSince`, `cursor` and `limit`; a limit above `maxPageSize` is capped, as real APIs do. */
export function parseChangeQuery(query: Record<string, unknown>, maxPageSize: number): ChangeQuery | ChangeQueryProblem {
  const { updatedSince, cursor, limit } = query;
  const parsed: ChangeQuery = { limit: maxPageSize };
  if (updatedSince !== undefined) {
    if (typeof updatedSince !== 'string' || !isTimestamp(updatedSince)) {
      return `updatedSince: must be one ISO 8601 timestamp with a zone, like 2024-05-01T08:30:00Z, got ${JSON.stringify(updatedSince)}`;
    }
    parsed.updatedSince = Date.parse(updatedSince);
  }
  if (cursor !== undefined) {
    const after = typeof cursor === 'string' ? decodeChangeCursor(cursor) : undefined;
    if (!after) return `cursor: is not a cursor this system handed out: ${JSON.stringify(cursor)}`;
    parsed.after = after;
  }
  if (limit !== undefined) {
    if (typeof limit !== 'string' || !/^\d+$/.test(limit) || Number(limit) < 1)
      return `limit: must be a whole number ≥ 1, got ${JSON.stringify(limit)}`;
    parsed.limit = Math.min(Number(limit), maxPageSize);
  }
  return parsed;
}
