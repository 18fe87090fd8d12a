import {
  defineConnector,
  type ConfigOf,
  type DeliveryOutcome,
  type JSONSchema,
  type SinkRecord,
} from '../../src/connect/sdk/connector-definition.js';
import { REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { deliveredUnlessFailed, recordIdempotencyKey } from '../../src/connect/sdk/http-delivery.js';
import { requestHeaders } from '../../src/connect/sdk/api-request-headers.js';
import { signWebhook, SIGNATURE_HEADER } from '../../src/connect/sdk/webhook-signature.js';
import { compileUrlTemplate, templateHost } from './url-template.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: {
      type: 'string',
      pattern: '^https?://',
      description: 'Endpoint; may hold {key}, {topic} and {value.<field>} placeholders, e.g. https://erp.example.com/api/customers/{key}',
    },
    method: { type: 'string', enum: ['POST', 'PUT', 'PATCH'], default: 'POST', description: 'HTTP method' },
    body: {
      type: 'string',
      enum: ['value', 'envelope'],
      default: 'value',
      description: 'value: the record value as JSON; envelope: {topic, key, headers, value}',
    },
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
    headers: { type: 'object', additionalProperties: { type: 'string' }, default: {}, description: 'Extra request headers' },
    auth: {
      description: 'How to authenticate; secrets usually come from ${ENV} references',
      type: 'object',
      required: ['type'],
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'none' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'token'],
          properties: { type: { const: 'bearer' }, token: { type: 'string', writeOnly: true, description: 'the bearer token' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'username', 'password'],
          properties: { type: { const: 'basic' }, username: { type: 'string' }, password: { type: 'string', writeOnly: true } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'secret'],
          properties: {
            type: { const: 'hmac' },
            secret: {
              type: 'string',
              writeOnly: true,
              description: `key of the ${SIGNATURE_HEADER} header (t=<unix seconds>,v1=<hex hmac-sha256 of "t.body">)`,
            },
          },
        },
      ],
    },
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'http-sink',
  version: '1.0.0',
  kind: 'sink',
  description: 'Sends each record as JSON to an HTTP endpoint (POST, PUT or PATCH), with bearer, basic or HMAC authentication.',
  consumes: [],
  spec,
  create(config, context) {
    const urlFor = compileUrlTemplate(config.url);
    // Without an allow-list in the hub config, the template's own host is the only one allowed: a redirect elsewhere is refused.
    const http = context.http({ timeoutMs: config.timeoutMs, allowedHosts: context.allowedHosts ?? [templateHost(config.url)] });
    const auth = config.auth;

    async function deliverOne(record: SinkRecord): Promise<DeliveryOutcome> {
      const payload = JSON.stringify(
        config.body === 'envelope' ? { topic: record.topic, key: record.key, headers: record.headers, value: record.value } : record.value,
      );
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        // The same record retried carries the same key, so a receiver that honours it applies it once.
        ...requestHeaders({ idempotencyKey: recordIdempotencyKey(record), correlationId: record.headers['correlation-id'] }),
        ...config.headers,
      };
      if (auth?.type === 'bearer') headers.Authorization = `Bearer ${auth.token}`;
      if (auth?.type === 'basic') headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      if (auth?.type === 'hmac') headers[SIGNATURE_HEADER] = signWebhook(auth.secret, payload);
      const url = urlFor(record);
      return deliveredUnlessFailed(`${config.method} ${url}`, () =>
        http.request({ method: config.method, url, data: payload, headers, transformRequest: [(data: unknown) => data] }),
      );
    }

    return {
      // Records of one call never share a key (the runtime guarantees it), so they may go out together.
      deliver: (records) => Promise.all(records.map(deliverOne)),
    };
  },
});
