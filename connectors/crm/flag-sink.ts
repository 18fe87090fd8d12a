import { defineConnector, type ConfigOf, type DeliveryOutcome, type SinkRecord } from '../../src/connect/sdk/connector-definition.js';
import { deliveredUnlessFailed, recordIdempotencyKey } from '../../src/connect/sdk/http-delivery.js';
import { requestHeaders } from '../../src/connect/sdk/api-request-headers.js';
import { CRM_WRITE_SPEC } from './crm-write-spec.js';
import { flagToCrm } from './customer-mapping.js';

const spec = CRM_WRITE_SPEC;

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
      const headers = requestHeaders({
        bearerToken: config.bearerToken,
        idempotencyKey: recordIdempotencyKey(record),
        correlationId: record.headers['correlation-id'],
      });
      return deliveredUnlessFailed(`PUT ${path}`, () => http.put(path, flagToCrm(record.value), { headers }));
    }

    return { deliver: (records) => Promise.all(records.map(deliverOne)) };
  },
});
