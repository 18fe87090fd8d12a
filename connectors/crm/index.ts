import { randomUUID } from 'node:crypto';
import { defineConnector, type ConfigOf, type JSONSchema, type SourceRecord } from '../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { pollChangeFeed } from '../../src/connect/sdk/change-feed.js';
import { customerFromCrm, mergedCustomer, type EventMeta } from './customer-mapping.js';

const TOPIC = 'crm.customer.v1';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'bearerToken'],
  properties: {
    baseUrl: apiBaseUrlProperty('CRM API (the feed is <baseUrl>/api/customers)', 'https://crm.example.com'),
    bearerToken: apiBearerTokenProperty('CRM API', 'CRM_TOKEN'),
    sourceSystem: { type: 'string', default: 'crm', description: 'meta.sourceSystem of the records' },
    pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Customers asked for per page' },
    startFrom: { type: 'string', format: 'date-time', description: 'Watermark of the very first poll; unset means from the beginning' },
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;

/** What the CRM POSTs to /webhooks/<instance>: the event, the customer after it, and for a merge the number folded in. */
const webhookBody = {
  type: 'object',
  required: ['eventId', 'eventType', 'customer'],
  properties: {
    eventId: { type: 'string', minLength: 1 },
    eventType: { enum: ['CustomerCreated', 'CustomerUpdated', 'CustomerMerged'] },
    occurredAt: { type: 'string' },
    traceId: { type: 'string' },
    customer: { type: 'object', required: ['custNo'], properties: { custNo: { type: 'string', minLength: 1 } } },
    mergedCustNo: { type: 'string', minLength: 1 },
  },
  if: { properties: { eventType: { const: 'CustomerMerged' } } },
  then: { required: ['mergedCustNo'] },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'crm',
  version: '1.0.0',
  kind: 'source',
  description:
    'Customer master from the CRM: webhook events (created, updated, merged) and polling of changed customers, mapped to crm.customer.v1.',
  produces: [TOPIC],
  receivesWebhooks: true,
  spec,
  create(config, context) {
    const http = context.http({ baseURL: config.baseUrl, timeoutMs: config.timeoutMs });
    const meta = (eventId: string, eventType: string, occurredAt: unknown, correlationId?: string): EventMeta => ({
      eventId,
      eventType,
      sourceSystem: config.sourceSystem,
      occurredAt: typeof occurredAt === 'string' ? occurredAt : new Date().toISOString(),
      correlationId: correlationId ?? randomUUID(),
    });
    // A customer without a number still becomes a record: the runtime dead-letters it with the reason.
    const record = (value: Record<string, unknown>): SourceRecord => ({
      topic: TOPIC,
      key: typeof value.customerId === 'string' ? value.customerId : '',
      value,
    });

    return {
      poll: (stored, signal) =>
        pollChangeFeed(
          stored,
          {
            http,
            url: '/api/customers',
            pageSize: config.pageSize,
            startFrom: config.startFrom,
            bearerToken: config.bearerToken,
            updatedAtOf: (crm) => lastModifiedOf(crm as Record<string, unknown>),
          },
          (item) => {
            const crm = item as Record<string, unknown>;
            const modified = lastModifiedOf(crm);
            return record(
              customerFromCrm(
                crm,
                meta(`${context.instance}:${String(crm.custNo)}:${modified ?? randomUUID()}`, 'CustomerChanged', modified),
              ),
            );
          },
          signal,
        ),
      webhook: {
        bodySchema: webhookBody,
        eventId: (request) => String((request.body as { eventId: string }).eventId),
        toRecords(request) {
          const body = request.body as {
            eventId: string;
            eventType: string;
            occurredAt?: string;
            traceId?: string;
            customer: Record<string, unknown>;
            mergedCustNo?: string;
          };
          const occurredAt = body.occurredAt ?? body.customer.lastModified;
          const survivor = customerFromCrm(body.customer, meta(body.eventId, body.eventType, occurredAt, body.traceId));
          if (body.eventType !== 'CustomerMerged' || body.mergedCustNo === undefined) return [record(survivor)];
          const merged = mergedCustomer(
            survivor,
            body.mergedCustNo,
            meta(`${body.eventId}#merged`, 'CustomerMerged', occurredAt, body.traceId),
          );
          return [record(survivor), record(merged)];
        },
      },
    };
  },
});

function lastModifiedOf(crm: Record<string, unknown>): string | null {
  return typeof crm.lastModified === 'string' ? crm.lastModified : null;
}
