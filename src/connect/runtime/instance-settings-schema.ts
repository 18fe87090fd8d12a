import type { FromSchema } from 'json-schema-to-ts';
import type { ConnectorInstanceConfig } from './connector-instance-config.js';

/** Instance names become consumer groups, webhook paths and `dlq.<name>` topics: kept simple. */
export const INSTANCE_NAME_PATTERN = '^[a-z][a-z0-9-]{0,62}$';
const TOPIC_NAME_PATTERN = '^[A-Za-z0-9._-]{1,249}$';

/**
 * The settings the runtime owns, the same for every connector instance (see
 * connector-instance-config.ts). Each default is declared here and only here; ajv applies them.
 * `deadLetterTopic` defaults to `dlq.<name>`, which depends on the instance name, so that one
 * default is applied by the loader.
 */
export const instanceSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['connector'],
  properties: {
    connector: { type: 'string', description: 'Name of the connector (a folder under connectors/).' },
    enabled: { type: 'boolean', default: true, description: 'A disabled instance is validated but not started.' },
    config: { type: 'object', default: {}, description: "The connector's own settings, checked against its spec." },
    schedule: { type: 'string', description: 'Sources that poll: a node-cron expression (seconds field allowed).' },
    topics: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: TOPIC_NAME_PATTERN },
      description: "Sinks: topics to consume; default: the connector's `consumes`.",
    },
    deadLetterTopic: {
      type: 'string',
      pattern: TOPIC_NAME_PATTERN,
      description: 'Where records that cannot be delivered go; default `dlq.<name>`.',
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        attempts: { type: 'integer', minimum: 1, default: 5, description: 'Total tries including the first.' },
        initialDelayMs: { type: 'integer', minimum: 0, default: 200 },
        maxDelayMs: { type: 'integer', minimum: 0, default: 30000 },
        multiplier: { type: 'number', minimum: 1, default: 2 },
      },
    },
    batchSize: { type: 'integer', minimum: 1, default: 100, description: 'Sinks: most records per deliver call.' },
    concurrency: { type: 'integer', minimum: 1, default: 4, description: 'Sinks: records of different keys delivered at once.' },
    ratePerSecond: { type: 'number', exclusiveMinimum: 0, description: 'Sinks: records per second at most; unset means unlimited.' },
    webhook: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        secret: {
          type: 'string',
          minLength: 1,
          writeOnly: true,
          description: 'HMAC-SHA256 key: requests must carry a valid signature. Required for push sources unless `insecure: true`.',
        },
        insecure: {
          type: 'boolean',
          description:
            'Accept unsigned webhook requests (no secret): anyone who can reach the hub can post records. Only for trusted networks; the hub warns at every start.',
        },
        toleranceSeconds: { type: 'integer', minimum: 1, default: 300 },
        maxBodyBytes: { type: 'integer', minimum: 1, default: 1048576 },
      },
    },
    allowedHosts: {
      type: 'array',
      items: { type: 'string', pattern: '^(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*$' },
      description:
        'Hosts outbound HTTP may reach (exact names or `*.suffix`); names must then resolve to public addresses unless allowPrivateNetworks is set.',
    },
    allowPrivateNetworks: {
      type: 'boolean',
      default: false,
      description:
        'Let allowed names resolve to loopback, private or link-local addresses: for back-office systems on the internal network. IP literals on the allow-list are always taken as meant.',
    },
  },
} as const;

/** What the schema yields once defaults are applied: the instance config without the two derived fields. */
export type InstanceSettings = FromSchema<typeof instanceSettingsSchema>;

/** Settings only one kind of connector uses; writing them on the other kind is a mistake, not a no-op. */
export const SINK_ONLY_SETTINGS = ['topics', 'batchSize', 'concurrency', 'ratePerSecond'] as const;
export const SOURCE_ONLY_SETTINGS = ['schedule', 'webhook'] as const;

// Compile-time guard that the schema and the contract type have not drifted apart.
export function toInstanceConfig(name: string, settings: InstanceSettings, deadLetterTopic: string): ConnectorInstanceConfig {
  return { ...settings, name, deadLetterTopic };
}
