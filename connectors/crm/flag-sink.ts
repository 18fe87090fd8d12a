import { defineConnector, type ConfigOf, type DeliveryOutcome, type JSONSchema, type SinkRecord } from '../../src/connectors/connector-definition.js';
import { deliveryErrorFromHttp } from '../../src/runtime/http-failure-classifier.js';
import { flagToCrm } from './customer-mapping.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'bearerToken'],
  properties: {
    baseUrl: { type: 'string', pattern: '^https?://', description: 'CRM API origin, e.g. https://crm.example.com' },
    bearerToken: { type: 'string', writeOnly: true, description: 'Bearer token of the CRM API, usually ${CRM_TOKEN}' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120000, default: 10000, description: 'Timeout of one request' },
  },
} as const satisfies JSONSchema;

/**
 * Writes customer flags back to the CRM: PUT /api/customers/{customerId}/flags/{flagType}. A PUT of
 * one flag type replaces it, so a retried record is applied once. 404 (the CRM does not know the
 * customer) is not retriable: the record is dead-lettered.
 */
export default defineConnector<ConfigOf<typeof spec>>({
  name: 'crm-flags',
  version: '1.0.0',
  kind: 'sink',
  description: 'Writes customer flags (crm.customer-flag.v1) back to the CRM, shown to agents and underwriters.',
  consumes: ['crm.customer-flag.v1'],
  spec,
  create(config, context) {
    const http = context.http({ baseURL: config.baseUrl, timeoutMs: config.timeoutMs });

    async function deliverOne(record: SinkRecord): Promise<DeliveryOutcome> {
      const path = `/api/customers/${encodeURIComponent(String(record.value.customerId))}/flags/${encodeURIComponent(String(record.value.flagType))}`;
      const headers: Record<string, string> = { Authorization: `Bearer ${config.bearerToken}`, 'Idempotency-Key': `${record.topic}-${record.partition}-${record.offset}` };
      if (record.headers['correlation-id']) headers['X-Correlation-Id'] = record.headers['correlation-id'];
      try {
        await http.put(path, flagToCrm(record.value), { headers });
        return { ok: true };
      } catch (error) {
        return { ok: false, error: deliveryErrorFromHttp(error, `PUT ${path}`) };
      }
    }

    return { deliver: (records) => Promise.all(records.map(deliverOne)) };
  },
});
