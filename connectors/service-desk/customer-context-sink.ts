import {
  defineConnector,
  type ConfigOf,
  type DeliveryOutcome,
  type JSONSchema,
  type SinkRecord,
} from '../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { requestHeaders } from '../../src/connect/sdk/api-request-headers.js';
import { deliveryErrorFromHttp } from '../../src/connect/sdk/http-failure-classifier.js';
import { customerContext } from './ticket-mapping.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'bearerToken'],
  properties: {
    baseUrl: apiBaseUrlProperty('service desk API', 'https://desk.example.com'),
    bearerToken: apiBearerTokenProperty('service desk API', 'SERVICE_DESK_TOKEN'),
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;

/**
 * Keeps the customer context of open tickets current: for each crm.customer.v1 change, the
 * customer's open tickets (GET /api/tickets?custNo=) each get PATCH /api/tickets/{ticketNo}/customer-context.
 * It consumes the customer topic, not timeline events: the context is the CRM's view of the caller
 * (name, VIP level, merged-into), which only the customer record carries; timeline entries of the
 * desk are derived from its own tickets, so sending them back would go round in a circle.
 */
export default defineConnector<ConfigOf<typeof spec>>({
  name: 'service-desk-context',
  version: '1.0.0',
  kind: 'sink',
  description:
    "Updates the customer context (name, VIP level, merged-into) of a customer's open service desk tickets from crm.customer.v1.",
  consumes: ['crm.customer.v1'],
  spec,
  create(config, context) {
    const http = context.http({ baseURL: config.baseUrl, timeoutMs: config.timeoutMs });
    const headers = requestHeaders({ bearerToken: config.bearerToken });

    async function deliverOne(record: SinkRecord): Promise<DeliveryOutcome> {
      const custNo = String(record.value.customerId);
      let what = `GET /api/tickets?custNo=${custNo}`;
      try {
        const open = (await http.get('/api/tickets', { params: { custNo }, headers })).data as { items?: { ticketNo?: unknown }[] };
        const body = customerContext(record.value);
        // PATCH sets the whole context, so repeating it on a retry of the record does no harm.
        for (const ticket of open.items ?? []) {
          what = `PATCH /api/tickets/${String(ticket.ticketNo)}/customer-context`;
          await http.patch(`/api/tickets/${encodeURIComponent(String(ticket.ticketNo))}/customer-context`, body, { headers });
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, error: deliveryErrorFromHttp(error, what) };
      }
    }

    return { deliver: (records) => Promise.all(records.map(deliverOne)) };
  },
});
