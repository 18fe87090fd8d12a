import { randomUUID } from 'node:crypto';
import { defineConnector, type ConfigOf, type JSONSchema, type PollResult } from '../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { requestHeaders } from '../../src/connect/sdk/api-request-headers.js';
import { HubError } from '../../src/core/hub-error.js';
import { deliveryErrorFromHttp } from '../../src/connect/sdk/http-failure-classifier.js';
import { INVENTORY_TOPIC, toInventoryRecord } from './scm-mapping.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl'],
  properties: {
    baseUrl: apiBaseUrlProperty('SCM API', 'https://scm.example.com'),
    bearerToken: apiBearerTokenProperty('SCM API user', 'SCM_TOKEN'),
    stockPath: {
      type: 'string',
      default: '/api/stock',
      description: 'Stock feed: GET <path>?updatedSince&cursor&limit → {items, nextCursor}',
    },
    pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 200, description: 'Stock rows asked for per page' },
    startFrom: { type: 'string', format: 'date-time', description: 'Watermark of the very first poll; unset means all stock' },
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;

/** Where polling resumes: the query's watermark, the next page's cursor, and the newest row seen so far. */
interface StockFeedPosition {
  [field: string]: unknown;
  updatedSince: string | null;
  cursor: string | null;
  highWatermark: string | null;
}

const later = (a: string | null, b: unknown): string | null =>
  typeof b !== 'string' ? a : a === null || Date.parse(b) > Date.parse(a) ? b : a;

const lowStockBody = {
  type: 'object',
  required: ['eventId', 'items'],
  properties: {
    eventId: { type: 'string', minLength: 1 },
    event: { type: 'string' },
    items: { type: 'array', minItems: 1, items: { type: 'object', required: ['matnr', 'werks'] } },
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'scm-inventory',
  version: '1.0.0',
  kind: 'source',
  description:
    'Spare-parts stock per warehouse from the SCM: paged changed-since polling of /api/stock, and low-stock webhooks, onto scm.inventory.v1.',
  produces: [INVENTORY_TOPIC],
  receivesWebhooks: true,
  spec,
  create(config, context) {
    const http = context.http({ baseURL: config.baseUrl, timeoutMs: config.timeoutMs });
    const auth = requestHeaders({ bearerToken: config.bearerToken });

    async function poll(stored: Record<string, unknown> | undefined, signal: AbortSignal): Promise<PollResult> {
      const position = (stored as StockFeedPosition | undefined) ?? {
        updatedSince: config.startFrom ?? null,
        cursor: null,
        highWatermark: config.startFrom ?? null,
      };
      const params: Record<string, string | number> = { limit: config.pageSize };
      if (position.updatedSince) params.updatedSince = position.updatedSince;
      if (position.cursor) params.cursor = position.cursor;
      let data: { items?: unknown; nextCursor?: unknown };
      try {
        data = (await http.get(config.stockPath, { params, signal, headers: auth })).data as typeof data;
      } catch (error) {
        throw deliveryErrorFromHttp(error, `GET ${config.stockPath}`);
      }
      if (!Array.isArray(data.items))
        throw new HubError('SCM_RESPONSE_INVALID', `GET ${config.stockPath}: the answer has no items array`, { retriable: false });
      let highWatermark = position.highWatermark;
      const records = (data.items as Record<string, unknown>[]).map((stock) => {
        highWatermark = later(highWatermark, stock.updatedAt);
        const eventId = `${context.instance}:${String(stock.stockId ?? `${String(stock.matnr)}/${String(stock.werks)}/${String(stock.lgort)}`)}:${String(stock.updatedAt)}`;
        return toInventoryRecord(stock, { eventId, eventType: 'StockLevelChanged', sourceSystem: 'scm', correlationId: randomUUID() });
      });
      const nextCursor = typeof data.nextCursor === 'string' ? data.nextCursor : null;
      // The watermark moves only once a query is paged to its end: a crash mid-query repeats pages, never skips rows.
      const next: StockFeedPosition = nextCursor
        ? { ...position, cursor: nextCursor, highWatermark }
        : { updatedSince: highWatermark, cursor: null, highWatermark };
      return { records, position: next, more: nextCursor !== null };
    }

    return {
      poll,
      webhook: {
        bodySchema: lowStockBody,
        eventId: (request) => String((request.body as { eventId: string }).eventId),
        toRecords: (request) => {
          const body = request.body as { eventId: string; items: Record<string, unknown>[] };
          const correlationId = randomUUID();
          return body.items.map((stock, index) =>
            toInventoryRecord(stock, {
              eventId: `${body.eventId}#${index}`,
              eventType: 'StockBelowMinimum',
              sourceSystem: 'scm',
              correlationId,
            }),
          );
        },
      },
    };
  },
});
