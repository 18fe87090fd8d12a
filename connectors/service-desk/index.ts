import { randomUUID } from 'node:crypto';
import { defineConnector, type ConfigOf, type JSONSchema } from '../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { pollChangeFeed } from '../../src/connect/sdk/change-feed.js';
import { serviceRequestFromTicket } from './ticket-mapping.js';

const TOPIC = 'service.request.v1';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'bearerToken'],
  properties: {
    baseUrl: apiBaseUrlProperty('service desk API (the feed is <baseUrl>/api/tickets)', 'https://desk.example.com'),
    bearerToken: apiBearerTokenProperty('service desk API', 'SERVICE_DESK_TOKEN'),
    sourceSystem: { type: 'string', default: 'call-centre', description: 'meta.sourceSystem of the records' },
    pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Tickets asked for per page' },
    startFrom: { type: 'string', format: 'date-time', description: 'Watermark of the very first poll; unset means from the beginning' },
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'service-desk',
  version: '1.0.0',
  kind: 'source',
  description:
    'Service requests (工单) of the call centre and repair service from phone, fax, e-mail, web and SMS, polled as they change, mapped to service.request.v1.',
  produces: [TOPIC],
  spec,
  create(config, context) {
    const http = context.http({ baseURL: config.baseUrl, timeoutMs: config.timeoutMs });
    return {
      poll: (stored, signal) =>
        pollChangeFeed(
          stored,
          {
            http,
            url: '/api/tickets',
            pageSize: config.pageSize,
            startFrom: config.startFrom,
            bearerToken: config.bearerToken,
            updatedAtOf: (ticket) => modifiedOf(ticket as Record<string, unknown>),
          },
          (item) => {
            const ticket = item as Record<string, unknown>;
            const modified = modifiedOf(ticket);
            const meta = {
              eventId: `${context.instance}:${String(ticket.ticketNo)}:${modified ?? randomUUID()}`,
              eventType: 'ServiceRequestUpdated',
              sourceSystem: config.sourceSystem,
              occurredAt: modified ?? new Date().toISOString(),
              correlationId: randomUUID(),
            };
            // A ticket without a number still becomes a record: the runtime dead-letters it with the reason.
            return {
              topic: TOPIC,
              key: typeof ticket.ticketNo === 'string' ? ticket.ticketNo : '',
              value: serviceRequestFromTicket(ticket, meta),
            };
          },
          signal,
        ),
    };
  },
});

function modifiedOf(ticket: Record<string, unknown>): string | null {
  return typeof ticket.modifyTime === 'string' ? ticket.modifyTime : null;
}
