import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { createConnectorHttpClient } from '../../connect/runtime/connector-http-client.js';
import { LookupCache } from '../../platform/cache/lookup-cache.js';
import { classifyHttpFailure } from '../../platform/http/http-failure.js';
import { deliveryErrorFromHttp } from '../../connect/sdk/http-failure-classifier.js';
import type { FlowMessage } from '../flow-message.js';
import type { LookupTable, StepCompileContext } from '../flow-step.js';
import { defineStep } from './define-step.js';
import { keyText } from './key-text.js';
import { type MaybePromise, whenReady } from '../../core/maybe-promise.js';
import { compileMessageTemplate, type MessageTemplate } from './message-template.js';
import { compileStepExpression } from './step-expression.js';
import { StepMessageError } from './step-message-error.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['as'],
  properties: {
    as: { type: 'string', minLength: 1, description: 'The field the looked-up value is put in (null when nothing was found).' },
    required: {
      type: 'boolean',
      default: false,
      description: 'Fail the message (dead letter) when nothing is found, instead of setting null.',
    },
    table: {
      type: 'object',
      additionalProperties: false,
      required: ['topic', 'key'],
      description: 'Look up the latest value of a key on a compacted topic.',
      properties: {
        topic: { type: 'string', minLength: 1 },
        key: { type: 'string', minLength: 1, description: 'A JSONata expression giving the key, e.g. claimantCustomerId.' },
      },
    },
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      description: 'GET a JSON document from an HTTP API.',
      properties: {
        url: {
          type: 'string',
          pattern: '^https?://',
          description: 'URL with {expression} placeholders (URL-encoded), e.g. https://risk.example.com/scores/{customerId}.',
        },
        timeoutMs: { type: 'integer', minimum: 1, default: 5000 },
        cacheTtlSeconds: {
          type: 'integer',
          minimum: 0,
          default: 300,
          description: 'How long an answer (found or not) is reused for the same URL; 0 disables the cache.',
        },
        allowedHosts: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', minLength: 1 },
          description:
            'Hosts the URL may reach (`*.example.com` for subdomains); default the host of the URL. Required when the host comes from the message.',
        },
        allowPrivateNetworks: {
          type: 'boolean',
          default: false,
          description:
            'Let allowed names resolve to loopback or private addresses (an internal service); IP literals on the list are always taken as meant.',
        },
        headers: {
          type: 'object',
          additionalProperties: { type: 'string', writeOnly: true },
          description: 'Request headers, e.g. Authorization: Bearer ${RISK_API_TOKEN}.',
        },
      },
    },
  },
} as const satisfies JSONSchema;

type EnrichConfig = FromSchema<typeof spec>;
type Lookup = (message: FlowMessage) => MaybePromise<unknown>;

/**
 * Adds data from elsewhere to each message, in the field `as`: the latest value of a key in a
 * table (a compacted topic, e.g. the customer of a claim) or a JSON document from an HTTP API
 * (cached per URL). Nothing found sets null, or with `required` fails the message. HTTP failures
 * are classified as for sinks: timeouts, 429 and 5xx are retried, other 4xx are not; 404 is
 * "nothing found".
 */
export const enrichStep = defineStep<EnrichConfig>({
  type: 'enrich',
  description: 'Adds a looked-up value (from a table of a compacted topic, or an HTTP API) to each message in a field.',
  spec,
  compile(config, context) {
    const { table, http } = config;
    let lookup: Lookup = () => undefined;
    let cache: LookupCache<unknown> | undefined;
    if (table && http) context.report([], 'VALUE_INVALID', 'takes "table" or "http", not both');
    else if (table) lookup = tableLookup(table, context);
    else if (http) ({ lookup, cache } = httpLookup(http, context));
    else context.report([], 'REQUIRED_MISSING', 'needs "table" (a compacted topic) or "http" (an API) to look up');
    const what = table ? `table ${table.topic}` : 'the HTTP API';
    const required = config.required ?? spec.properties.required.default;
    return {
      run: (message) =>
        whenReady(lookup(message), (found) => {
          if ((found === undefined || found === null) && required)
            throw new StepMessageError('FLOW_ENRICH_NOT_FOUND', `enrich: nothing found in ${what} for this message, and "required" is set`);
          return [{ ...message, value: { ...message.value, [config.as]: found ?? null }, schemaName: undefined }];
        }),
      close: async () => cache?.clear(),
    };
  },
});

function tableLookup(config: { topic: string; key: string }, context: StepCompileContext): Lookup {
  const key = compileStepExpression(context, ['table', 'key'], config.key);
  let table: LookupTable;
  try {
    table = context.table(config.topic);
  } catch (error) {
    context.report(['table', 'topic'], 'TOPIC_UNKNOWN', error instanceof Error ? error.message : String(error));
    return () => undefined;
  }
  return (message) =>
    whenReady(key.evaluate(message.value), (value) =>
      value === undefined || value === null ? undefined : table.get(keyText(value, 'enrich table key')),
    );
}

type HttpConfig = NonNullable<EnrichConfig['http']>;

function httpLookup(config: HttpConfig, context: StepCompileContext): { lookup: Lookup; cache: LookupCache<unknown> } {
  const url = compileMessageTemplate(context, ['http', 'url'], config.url);
  const allowedHosts = config.allowedHosts ?? staticHost(config.url, context);
  const client = createConnectorHttpClient({
    timeoutMs: config.timeoutMs ?? spec.properties.http.properties.timeoutMs.default,
    allowedHosts,
    allowPrivateNetworks: config.allowPrivateNetworks ?? false,
  });
  const cache = new LookupCache<unknown>({
    ttlMs: (config.cacheTtlSeconds ?? spec.properties.http.properties.cacheTtlSeconds.default) * 1000,
  });
  // The template, not the URL: the URL carries values of the message (possibly personal) into dead letters.
  const what = `enrich GET ${config.url}`;
  const fetch = async (target: string): Promise<unknown> => {
    try {
      const response = await client.get(target, { headers: { accept: 'application/json', ...config.headers }, responseType: 'json' });
      return response.data;
    } catch (error) {
      const failure = classifyHttpFailure(error);
      if (failure?.answered && failure.status === 404) return undefined;
      throw deliveryErrorFromHttp(error, what);
    }
  };
  const lookup: Lookup = (message) =>
    whenReady(renderUrl(url, message), (target) => (target === undefined ? undefined : cache.get(target, () => fetch(target))));
  return { lookup, cache };
}

function renderUrl(url: MessageTemplate, message: FlowMessage): MaybePromise<string | undefined> {
  // A placeholder without a value leaves nothing to ask for: the lookup finds nothing.
  return url.render(message.value, (value) =>
    value === undefined || value === null ? undefined : encodeURIComponent(keyText(value, 'enrich URL placeholder')),
  );
}

/** The host of a URL template whose host is written out; reported when the host comes from the message. */
function staticHost(template: string, context: StepCompileContext): string[] | undefined {
  const authority = /^https?:\/\/([^/?#]*)/.exec(template)?.[1] ?? '';
  if (authority.includes('{')) {
    context.report(['http', 'allowedHosts'], 'REQUIRED_MISSING', 'is required when the host of the url comes from the message');
    return undefined;
  }
  try {
    return [new URL(template.replace(/\{[^}]*\}/g, 'x')).hostname];
  } catch {
    context.report(['http', 'url'], 'VALUE_INVALID', 'is not a valid URL');
    return undefined;
  }
}
