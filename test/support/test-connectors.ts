import { defineConnector, type ConfigOf, type JSONSchema } from '../../src/connect/sdk/connector-definition.js';
import { ConnectorCatalog } from '../../src/connect/sdk/connector-catalog.js';
import exampleEcho from '../../connectors/example-echo/index.js';

const pollerSpec = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', format: 'uri' },
    pageSize: { type: 'integer', minimum: 1, default: 100 },
    auth: {
      type: 'object',
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'token'],
          properties: { type: { const: 'bearer' }, token: { type: 'string', writeOnly: true } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'user', 'password'],
          properties: { type: { const: 'basic' }, user: { type: 'string' }, password: { $ref: '#/definitions/secret' } },
        },
      ],
    },
    headers: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string', writeOnly: true } } },
    },
  },
  definitions: { secret: { type: 'string', writeOnly: true, minLength: 1 } },
} as const satisfies JSONSchema;

/** A polling source for config tests: its spec has alternative forms, a $ref'd secret and secrets in array items. */
export const testPoller = defineConnector<ConfigOf<typeof pollerSpec>>({
  name: 'test-poller',
  version: '0.0.1',
  kind: 'source',
  description: 'Polls nothing; for config tests',
  produces: ['crm.customer.v1'],
  spec: pollerSpec,
  create: () => ({ poll: async () => ({ records: [], position: {} }) }),
});

export const testCatalog = ConnectorCatalog.of([exampleEcho, testPoller]);
