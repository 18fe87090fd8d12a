import type { AxiosInstance } from 'axios';
import {
  defineConnector,
  type ConfigOf,
  type DeliveryOutcome,
  type JSONSchema,
  type SinkRecord,
} from '../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { deliveredUnlessFailed } from '../../src/connect/sdk/http-delivery.js';
import { requestHeaders } from '../../src/connect/sdk/api-request-headers.js';
import { HubError } from '../../src/core/hub-error.js';
import { deliveryErrorFromHttp } from '../../src/connect/sdk/http-failure-classifier.js';
import { postingReference, toCustomerXref, toErpCustomer, toPremiumPosting, XREF_TOPIC } from './erp-mapping.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'companyCode'],
  properties: {
    baseUrl: apiBaseUrlProperty('ERP API', 'https://erp.example.com'),
    companyCode: {
      type: 'string',
      pattern: '^[0-9A-Z]{4}$',
      description: 'Company code (BUKRS) customers and postings belong to, e.g. 3100',
    },
    bearerToken: apiBearerTokenProperty('ERP API user', 'ERP_TOKEN'),
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
    customersPath: {
      type: 'string',
      default: '/api/customers',
      description: 'Customer master resource; GET/PUT <path>/<CRM id>, POST <path>',
    },
    postings: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Premium postings to finance from policy.policy.v1',
      properties: {
        path: { type: 'string', default: '/api/postings', description: 'FI document resource (POST)' },
        events: {
          type: 'array',
          items: { type: 'string' },
          default: ['PolicyIssued', 'PolicyRenewed'],
          description: 'meta.eventType of policies that are posted; other policy events are acknowledged and skipped',
        },
        receivableAccount: {
          type: 'string',
          pattern: '^[0-9]{10}$',
          default: '1122000000',
          description: 'G/L account debited (premium receivable)',
        },
        premiumIncomeAccount: {
          type: 'string',
          pattern: '^[0-9]{10}$',
          default: '6031000000',
          description: 'G/L account credited (premium income)',
        },
        documentType: { type: 'string', default: 'DR', description: 'FI document type (BLART)' },
      },
    },
  },
} as const satisfies JSONSchema;

type Config = ConfigOf<typeof spec>;

const CUSTOMER_SCHEMA = 'crmhub.erp.ErpCustomer';
const POLICY_SCHEMA = 'crmhub.policy.Policy';

export default defineConnector<Config>({
  name: 'erp',
  version: '1.0.0',
  kind: 'sink',
  description:
    'Keeps the ERP customer master in step with erp.customer.v1 (bringing back the ERP customer number on erp.customer-xref.v1) and posts policy premiums to finance.',
  consumes: ['erp.customer.v1', 'policy.policy.v1'],
  produces: [XREF_TOPIC],
  spec,
  create(config, context) {
    const http: AxiosInstance = context.http({
      baseURL: config.baseUrl,
      timeoutMs: config.timeoutMs,
      allowedHosts: context.allowedHosts ?? [new URL(config.baseUrl).hostname],
    });
    const headers = (idempotencyKey?: string): Record<string, string> => ({
      'Content-Type': 'application/json',
      ...requestHeaders({ idempotencyKey, bearerToken: config.bearerToken }),
    });

    async function upsertCustomer(record: SinkRecord): Promise<DeliveryOutcome> {
      const crmId = record.value.erpCustomerId;
      if (typeof crmId !== 'string' || crmId === '') return failed('ERP_RECORD_INVALID', 'the customer has no erpCustomerId (CRM id)');
      const url = `${config.customersPath}/${encodeURIComponent(crmId)}`;
      let exists: boolean;
      try {
        const found = await http.get(url, { headers: headers(), validateStatus: (status) => status === 200 || status === 404 });
        exists = found.status === 200;
      } catch (error) {
        return { ok: false, error: deliveryErrorFromHttp(error, `GET ${url}`) };
      }
      // The same event retried sends the same key per operation, so the ERP applies it once.
      const eventId = String((record.value.meta as Record<string, unknown> | undefined)?.eventId ?? `${record.partition}-${record.offset}`);
      const method = exists ? 'PUT' : 'POST';
      const target = exists ? url : config.customersPath;
      try {
        const response = await http.request({
          method,
          url: target,
          data: toErpCustomer(record.value, config.companyCode),
          headers: headers(`customer-${crmId}-${eventId}-${method}`),
        });
        const data = (response.data ?? {}) as Record<string, unknown>;
        const erpId = data.KUNNR ?? data.id;
        if (typeof erpId !== 'string')
          return failed('ERP_RESPONSE_INVALID', `${method} ${target}: the answer holds no customer number (KUNNR or id)`);
        return { ok: true, records: [toCustomerXref(record.value, erpId, config.companyCode, new Date().toISOString())] };
      } catch (error) {
        return { ok: false, error: deliveryErrorFromHttp(error, `${method} ${target}`) };
      }
    }

    async function postPremium(record: SinkRecord): Promise<DeliveryOutcome> {
      const eventType = (record.value.meta as Record<string, unknown> | undefined)?.eventType;
      if (typeof eventType !== 'string' || !config.postings.events.includes(eventType)) return { ok: true };
      const path = config.postings.path;
      const posting = toPremiumPosting(record.value, { companyCode: config.companyCode, ...config.postings });
      return deliveredUnlessFailed(`POST ${path} ${String(posting.XBLNR)}`, () =>
        http.post(path, posting, { headers: headers(`posting-${postingReference(record.value)}`) }),
      );
    }

    const deliverOne = (record: SinkRecord): Promise<DeliveryOutcome> => {
      if (record.schemaName === CUSTOMER_SCHEMA) return upsertCustomer(record);
      if (record.schemaName === POLICY_SCHEMA) return postPremium(record);
      return Promise.resolve(failed('ERP_RECORD_UNSUPPORTED', `${record.schemaName} is neither ${CUSTOMER_SCHEMA} nor ${POLICY_SCHEMA}`));
    };

    return {
      // Records of one call never share a key, so they may go out together.
      deliver: (records) => Promise.all(records.map(deliverOne)),
    };
  },
});

function failed(code: string, message: string): DeliveryOutcome {
  return { ok: false, error: new HubError(code, message, { retriable: false }) };
}
