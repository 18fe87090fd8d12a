import { defineConnector, type ConfigOf, type DeliveryOutcome, type SinkRecord } from '../../src/connect/sdk/connector-definition.js';
import { HubError } from '../../src/core/hub-error.js';
import { DeliveryError } from '../../src/connect/sdk/delivery-error.js';
import { deliveredUnlessFailed, recordIdempotencyKey } from '../../src/connect/sdk/http-delivery.js';
import { requestHeaders } from '../../src/connect/sdk/api-request-headers.js';
import { CRM_WRITE_SPEC } from './crm-write-spec.js';
import { crmCustomerNumbers, goldenToCrm } from './golden-mapping.js';

const spec = CRM_WRITE_SPEC;

/**
 * Writes the single customer view back to every CRM customer it resolved: PUT
 * /api/customers/{custNo}/golden-record per `crm` member. A record counts as delivered only when
 * every member's PUT succeeded; PUT replaces and each carries its own Idempotency-Key, so a retry
 * that repeats the members already written changes nothing.
 */
export default defineConnector<ConfigOf<typeof spec>>({
  name: 'crm-golden',
  version: '1.0.0',
  kind: 'sink',
  description:
    'Writes golden customers (customer.golden.v1) back to each CRM customer they resolve: the unified view, cross-references to the other systems, and merges.',
  consumes: ['customer.golden.v1'],
  spec,
  create(config, context) {
    const http = context.http({ baseURL: config.baseUrl, timeoutMs: config.timeoutMs });

    async function put(record: SinkRecord, custNo: string): Promise<DeliveryOutcome> {
      const path = `/api/customers/${encodeURIComponent(custNo)}/golden-record`;
      // One key per member: the same key on another URL would be a different request to the CRM.
      const correlationId =
        record.headers['correlation-id'] ?? (record.value.meta as { correlationId?: string } | undefined)?.correlationId;
      const headers = requestHeaders({
        bearerToken: config.bearerToken,
        idempotencyKey: recordIdempotencyKey(record, custNo),
        correlationId,
      });
      return deliveredUnlessFailed(`PUT ${path}`, () => http.put(path, goldenToCrm(record.value, custNo), { headers }));
    }

    async function deliverOne(record: SinkRecord): Promise<DeliveryOutcome> {
      const golden = record.value;
      if (golden.status === 'MERGED' && typeof golden.mergedIntoGoldenId !== 'string') {
        return {
          ok: false,
          error: new DeliveryError(
            'GOLDEN_SURVIVOR_MISSING',
            `golden customer ${String(golden.goldenId)} is MERGED but names no mergedIntoGoldenId`,
            { retriable: false },
          ),
        };
      }
      const outcomes = await Promise.all(crmCustomerNumbers(golden).map((custNo) => put(record, custNo)));
      const failures = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
      // A passing failure goes first: retrying may still deliver every member, a dead letter would not.
      const failure = failures.find((error) => error instanceof HubError && error.retriable) ?? failures[0];
      return failure ? { ok: false, error: failure } : { ok: true };
    }

    return { deliver: (records) => Promise.all(records.map(deliverOne)) };
  },
});
