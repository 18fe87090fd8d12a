import { TraceFinder, DEFAULT_TRACE_LIMIT, type TraceFinderDeps } from '../../operations/tracing/trace-finder.js';
import { TraceQueryError } from '../../operations/tracing/trace-query-error.js';
import { POINT_IN_TIME_FORMS } from '../../operations/dead-letters/point-in-time.js';
import { parseSince } from '../../operations/tracing/trace-since.js';
import { POINT_IN_TIME_SCHEMA } from './request-formats.js';
import { apiError, errorResponse, type ApiRoute } from './api-route.js';

const TRACE_SCHEMA = {
  type: 'object',
  properties: {
    query: {
      type: 'object',
      description: 'What was looked for: correlationId, key, keys (the key and, for a customer, all of their keys), since, limit',
    },
    hops: {
      type: 'array',
      description: 'The records found, ordered by time',
      items: {
        type: 'object',
        properties: {
          topic: { type: 'string' },
          partition: { type: 'integer' },
          offset: { type: 'string' },
          timestamp: { type: 'string', format: 'date-time' },
          key: { type: ['string', 'null'] },
          eventType: { type: 'string' },
          sourceSystem: { type: 'string' },
          correlationId: { type: 'string' },
          traceId: { type: 'string' },
          spanId: { type: 'string' },
          stage: {
            type: 'object',
            description: 'kind (source, flow, sink, customer-view, dead-letter), name, and for a dead letter the reason',
          },
          matchedBy: { type: 'string', enum: ['correlation-id', 'key'] },
          sincePreviousMs: { type: ['integer', 'null'] },
          sinceFirstMs: { type: 'integer' },
          value: { description: 'With values=true: the value, personal data masked' },
        },
      },
    },
    traceIds: { type: 'array', items: { type: 'string' } },
    correlationIds: { type: 'array', items: { type: 'string' } },
    scan: { type: 'object', description: 'topics, partitions, inRange, scanned, limitHit, unfinished, tookMs' },
  },
};

/**
 * Where records went: every hop of a correlation id, or everything about a business key (with a
 * customer resolver, about one golden customer), read from the topics themselves.
 */
export function traceRoutes(deps: TraceFinderDeps): ApiRoute[] {
  const finder = new TraceFinder(deps);
  return [
    {
      method: 'get',
      path: '/api/trace',
      operationId: 'traceRecords',
      summary: 'The path of a record, or of everything about one key or customer, through topics, flows and sinks, with timings',
      description:
        "Reads every topic records travel through (not the broker's, the registry's or the hub's internal ones) from `since` on. Give correlationId, key, or both (records matching either). At most `limit` records are read, the newest when there are more; `scan.limitHit` says so.",
      tag: 'tracing',
      access: 'viewer',
      parameters: [
        {
          name: 'correlationId',
          in: 'query',
          description: 'The correlation-id header to follow',
          schema: { type: 'string', minLength: 1, maxLength: 200 },
        },
        {
          name: 'key',
          in: 'query',
          description: 'A business key (Kafka key); when it identifies a customer, all of their keys',
          schema: { type: 'string', minLength: 1, maxLength: 500 },
        },
        {
          name: 'since',
          in: 'query',
          description: `Read from this time: ${POINT_IN_TIME_FORMS}; default 24 hours back`,
          schema: POINT_IN_TIME_SCHEMA,
        },
        {
          name: 'limit',
          in: 'query',
          description: `Read at most this many records (default ${DEFAULT_TRACE_LIMIT})`,
          schema: { type: 'integer', minimum: 1, maximum: 1_000_000 },
        },
        {
          name: 'values',
          in: 'query',
          description: "Show each record's value, decoded, personal data masked",
          schema: { type: 'boolean', default: false },
        },
      ],
      responses: {
        200: { description: 'The trace: hops in time order, the trace ids, and how much was read', schema: TRACE_SCHEMA },
        400: errorResponse('Neither correlationId nor key, or a since that is no time'),
        503: errorResponse('The broker did not answer'),
      },
      handle: async ({ query }, res) => {
        const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
        try {
          const trace = await finder.find({
            correlationId: text(query.correlationId),
            key: text(query.key),
            since: text(query.since) === undefined ? undefined : parseSince(String(query.since)),
            limit: typeof query.limit === 'number' ? query.limit : undefined,
            values: query.values === true,
          });
          return res.json(trace);
        } catch (error) {
          if (error instanceof TraceQueryError) return apiError(res, 400, error.code, error.message);
          throw error;
        }
      },
    },
  ];
}
