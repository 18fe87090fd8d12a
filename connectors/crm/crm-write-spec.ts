import type { JSONSchema } from '../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';

/** The settings of the sinks that write back to the CRM (crm-flags, crm-golden): its API and a token allowed to write. */
export const CRM_WRITE_SPEC = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'bearerToken'],
  properties: {
    baseUrl: apiBaseUrlProperty('CRM API', 'https://crm.example.com'),
    bearerToken: apiBearerTokenProperty('CRM API', 'CRM_TOKEN'),
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;
