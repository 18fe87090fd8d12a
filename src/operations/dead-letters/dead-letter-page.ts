import { ConfigError } from '../../core/hub-error.js';
import type { DeadLetterEntry } from './dead-letter-entry.js';
import { parseDeadLetterId } from './dead-letter-id.js';

export type DeadLetterOrder = 'newest' | 'oldest';

export interface PageRequest {
  order?: DeadLetterOrder;
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

export interface DeadLetterPage<T extends DeadLetterSortKey = DeadLetterEntry> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
  /** How many dead letters matched in all, across pages. */
  matched: number;
}

export const DEFAULT_PAGE_LIMIT = 50;

/** What dead letters are ordered by. */
export type DeadLetterSortKey = Pick<DeadLetterEntry, 'failedAtMs' | 'topic' | 'partition' | 'offset'>;

/** Oldest first: by failure time, then by position, so that the order is total and stable. */
export function compareOldestFirst(a: DeadLetterSortKey, b: DeadLetterSortKey): number {
  if (a.failedAtMs !== b.failedAtMs) return a.failedAtMs - b.failedAtMs;
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.partition !== b.partition) return a.partition - b.partition;
  const offsets = BigInt(a.offset) - BigInt(b.offset);
  return offsets === 0n ? 0 : offsets < 0n ? -1 : 1;
}

/**
 * One page of `entries`. The cursor names the last dead letter shown rather than a count, so that
 * dead letters arriving between two requests neither repeat an item nor skip one.
 */
export function pageOf<T extends DeadLetterSortKey & Pick<DeadLetterEntry, 'id'>>(
  entries: readonly T[],
  request: PageRequest,
): DeadLetterPage<T> {
  const order = request.order ?? 'newest';
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const compare = order === 'oldest' ? compareOldestFirst : (a: DeadLetterSortKey, b: DeadLetterSortKey) => compareOldestFirst(b, a);
  const sorted = [...entries].sort(compare);
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  const rest = after ? sorted.filter((entry) => compare(entry, after) > 0) : sorted;
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rest.length > limit && last ? encodeCursor(last) : null, matched: entries.length };
}

function encodeCursor(entry: Pick<DeadLetterEntry, 'failedAtMs' | 'id'>): string {
  return Buffer.from(`${entry.failedAtMs}|${entry.id}`).toString('base64url');
}

function decodeCursor(cursor: string): DeadLetterSortKey {
  const text = Buffer.from(cursor, 'base64url').toString();
  const bar = text.indexOf('|');
  const failedAtMs = Number(text.slice(0, bar));
  try {
    if (bar < 1 || !Number.isSafeInteger(failedAtMs)) throw new ConfigError('DEAD_LETTER_CURSOR_INVALID', 'no time in the cursor');
    return { ...parseDeadLetterId(text.slice(bar + 1)), failedAtMs };
  } catch (error) {
    throw new ConfigError(
      'DEAD_LETTER_CURSOR_INVALID',
      'the cursor is not one this hub gave: pass nextCursor of the previous page as it was',
      { cause: error },
    );
  }
}
