import { randomUUID } from 'node:crypto';
import { defineConnector, type ConfigOf, type JSONSchema, type SourceRecord } from '../../src/connect/sdk/connector-definition.js';
import { REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { pollChangeFeed } from '../../src/connect/sdk/change-feed.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['topic', 'keyField'],
  properties: {
    topic: { type: 'string', description: 'Canonical topic the records go to, e.g. crm.customer.v1' },
    keyField: { type: 'string', description: 'Field of each item holding its business key, e.g. customerId' },
    eventType: { type: 'string', default: 'Changed', description: 'meta.eventType of items that carry no meta' },
    poll: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      description: 'Pull mode: a changed-since feed with cursor paging (needs a schedule on the instance)',
      properties: {
        url: { type: 'string', pattern: '^https?://', description: 'Feed URL, e.g. https://crm.example.com/api/customers' },
        pageSize: { type: 'integer', minimum: 1, maximum: 10000, default: 100, description: 'Items asked for per page' },
        startFrom: { type: 'string', format: 'date-time', description: 'Watermark of the very first poll; unset means from the beginning' },
        timeoutMs: REQUEST_TIMEOUT_PROPERTY,
        itemsField: { type: 'string', default: 'items', description: 'Response field holding the page of items' },
        nextCursorField: {
          type: 'string',
          default: 'nextCursor',
          description: 'Response field holding the next page cursor (null at the end)',
        },
        updatedAtField: { type: 'string', default: 'updatedAt', description: 'Item field with its last change time (ISO-8601)' },
        params: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            updatedSince: { type: 'string', default: 'updatedSince' },
            cursor: { type: 'string', default: 'cursor' },
            limit: { type: 'string', default: 'limit' },
          },
        },
        bearerToken: { type: 'string', writeOnly: true, description: 'Bearer token, usually ${ENV_VAR}' },
      },
    },
    webhook: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Push mode: POST /webhooks/<instance> with {eventId, records: [...]} or one item with an eventId field',
      properties: {
        eventIdField: { type: 'string', default: 'eventId', description: 'Body field with the event id (idempotency)' },
        recordsField: {
          type: 'string',
          default: 'records',
          description: 'Body field with an array of items; absent means the body is one item',
        },
      },
    },
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'http-source',
  version: '1.0.0',
  kind: 'source',
  description: 'Reads records from an HTTP system: webhook pushes, and/or polling a changed-since feed with cursor paging.',
  produces: [],
  receivesWebhooks: true,
  spec,
  create(config, context) {
    const toRecord = (item: Record<string, unknown>, eventId: string): SourceRecord => {
      // An item without a usable key still becomes a record: the runtime dead-letters it with the reason and the rest flow on.
      const key = typeof item[config.keyField] === 'string' ? (item[config.keyField] as string) : '';
      // Items from systems that know nothing of our envelope get one; items that carry meta keep theirs.
      const meta = item.meta ?? {
        eventId,
        eventType: config.eventType,
        sourceSystem: context.instance,
        occurredAt:
          typeof item[config.poll?.updatedAtField ?? 'updatedAt'] === 'string'
            ? item[config.poll?.updatedAtField ?? 'updatedAt']
            : new Date().toISOString(),
        correlationId: randomUUID(),
      };
      return { topic: config.topic, key, value: { ...item, meta } };
    };

    const poll = config.poll;
    const http = poll ? context.http({ timeoutMs: poll.timeoutMs }) : undefined;
    const updatedAtOf = (item: Record<string, unknown>): string | null => {
      const value = item[poll?.updatedAtField ?? 'updatedAt'];
      return typeof value === 'string' ? value : null;
    };

    return {
      poll:
        poll && http
          ? (stored, signal) =>
              pollChangeFeed(
                stored,
                {
                  http,
                  url: poll.url,
                  pageSize: poll.pageSize,
                  startFrom: poll.startFrom,
                  bearerToken: poll.bearerToken,
                  itemsField: poll.itemsField,
                  nextCursorField: poll.nextCursorField,
                  params: poll.params,
                  updatedAtOf: (item) => updatedAtOf(item as Record<string, unknown>),
                },
                (item) => {
                  const record = item as Record<string, unknown>;
                  return toRecord(record, `${context.instance}:${String(record[config.keyField])}:${updatedAtOf(record) ?? randomUUID()}`);
                },
                signal,
              )
          : undefined,
      webhook: {
        bodySchema: {
          type: 'object',
          required: [config.webhook.eventIdField],
          properties: { [config.webhook.eventIdField]: { type: 'string', minLength: 1 } },
        },
        eventId: (request) => String((request.body as Record<string, unknown>)[config.webhook.eventIdField]),
        toRecords: (request) => {
          const body = request.body as Record<string, unknown>;
          const eventId = String(body[config.webhook.eventIdField]);
          const items = Array.isArray(body[config.webhook.recordsField])
            ? (body[config.webhook.recordsField] as Record<string, unknown>[])
            : [body];
          return items.map((item, index) => {
            const { [config.webhook.eventIdField]: _eventId, ...rest } = item;
            return toRecord(items.length === 1 && item === body ? rest : item, items.length === 1 ? eventId : `${eventId}#${index}`);
          });
        },
      },
    };
  },
});
