import type { AxiosInstance } from 'axios';
import { HubError } from '../../core/hub-error.js';
import { deliveryErrorFromHttp } from './http-failure-classifier.js';
import { requestHeaders } from './api-request-headers.js';
import type { PollResult, SourcePosition, SourceRecord } from './connector-definition.js';

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

export interface ChangeFeedRequest {
  /** From `context.http()`: keep-alive, timeout, allow-list. */
  http: AxiosInstance;
  url: string;
  pageSize: number;
  /** Watermark of the very first poll; unset means from the beginning. */
  startFrom?: string;
  bearerToken?: string;
  /** Response fields: the page of items and the next page's cursor (null at the end). */
  itemsField?: string;
  nextCursorField?: string;
  /** Query parameter names. */
  params?: { updatedSince?: string; cursor?: string; limit?: string };
  /** Each item's last change time (ISO-8601), which moves the watermark. */
  updatedAtOf(item: unknown): string | null;
}

/**
 * One poll of a changed-since feed with cursor paging — `GET <url>?updatedSince=&cursor=&limit=`
 * answering `{ items, nextCursor }` — the pull pattern most back-office systems offer. A connector
 * supplies the request and how an item becomes a record; paging, watermark and position are here.
 */
export async function pollChangeFeed(
  stored: SourcePosition | undefined,
  request: ChangeFeedRequest,
  toRecord: (item: unknown) => SourceRecord,
  signal: AbortSignal,
): Promise<PollResult> {
  const names = { updatedSince: 'updatedSince', cursor: 'cursor', limit: 'limit', ...request.params };
  const itemsField = request.itemsField ?? 'items';
  const nextCursorField = request.nextCursorField ?? 'nextCursor';
  const position = (stored as ChangeFeedPosition | undefined) ?? initialPosition(request.startFrom);
  const params: Record<string, string | number> = { [names.limit]: request.pageSize };
  if (position.updatedSince) params[names.updatedSince] = position.updatedSince;
  if (position.cursor) params[names.cursor] = position.cursor;
  let data: Record<string, unknown>;
  try {
    const response = await request.http.get(request.url, { params, signal, headers: requestHeaders({ bearerToken: request.bearerToken }) });
    data = (response.data ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw deliveryErrorFromHttp(error, `GET ${request.url}`);
  }
  const items = data[itemsField];
  if (!Array.isArray(items))
    throw new HubError('FEED_RESPONSE_INVALID', `GET ${request.url}: response has no array ${itemsField}`, { retriable: false });
  let highWatermark = position.highWatermark;
  const records = items.map((item: unknown) => {
    highWatermark = later(highWatermark, request.updatedAtOf(item));
    return toRecord(item);
  });
  const nextCursor = typeof data[nextCursorField] === 'string' ? (data[nextCursorField] as string) : null;
  // The watermark moves only once the query is paged to its end (see ChangeFeedPosition).
  const next: ChangeFeedPosition = nextCursor
    ? { updatedSince: position.updatedSince, cursor: nextCursor, highWatermark }
    : { updatedSince: highWatermark, cursor: null, highWatermark };
  return { records, position: next, more: nextCursor !== null };
}
