import type { ConfigIssue, ConfigPath } from '../../platform/config/config-issue.js';
import { compileConfigSchema } from '../../platform/config/config-schema-compiler.js';
import type { ConfigSection } from '../../platform/config/config-section.js';
import type { ConfigYaml } from '../../platform/config/config-yaml-reader.js';
import { cronScheduleProblem } from '../../platform/config/cron-schedule.js';
import { validateAgainstSchema } from '../../platform/config/schema-issues.js';
import { configSecrets } from '../../platform/observability/config-secrets.js';
import { registerSecret } from '../../platform/observability/secret-registry.js';
import { unknownConnectorMessage, type ConnectorCatalog } from '../sdk/connector-catalog.js';
import type { ConnectorDefinition } from '../sdk/connector-definition.js';
import type { ConnectorInstanceConfig } from './connector-instance-config.js';
import {
  INSTANCE_NAME_PATTERN,
  instanceSettingsSchema,
  SINK_ONLY_SETTINGS,
  SOURCE_ONLY_SETTINGS,
  toInstanceConfig,
  type InstanceSettings,
} from './instance-settings-schema.js';

/** Section `connectors:` of crm-hub.yaml: connector instances by name. */
export const connectorInstancesSchema = {
  type: 'object',
  default: {},
  propertyNames: { pattern: INSTANCE_NAME_PATTERN },
  additionalProperties: instanceSettingsSchema,
  description: 'Connector instances by name; the name is also the consumer group and webhook path.',
} as const;

/**
 * The connector runtime's section. Beyond its schema: the connector name against the catalog,
 * settings that do not fit the connector's kind, cron schedules, webhook security, and each
 * instance's `config` against its connector's spec. An instance of an unknown connector is left
 * out of the settings; one with other issues is kept (the hub decides what to start).
 */
export const connectorInstancesSection: ConfigSection<ConnectorInstanceConfig[], { catalog: ConnectorCatalog }> = {
  schema: connectorInstancesSchema,
  read({ value, written, path, yaml }, { catalog }) {
    const issues: ConfigIssue[] = [];
    const instances: ConnectorInstanceConfig[] = [];
    for (const [name, instance] of Object.entries(isObject(value) ? value : {})) {
      if (!isObject(instance) || typeof instance.connector !== 'string') continue;
      const definition = catalog.find(instance.connector);
      if (!definition) {
        issues.push(
          yaml.issueAt([...path, name, 'connector'], 'CONNECTOR_UNKNOWN', unknownConnectorMessage(instance.connector, catalog.names())),
        );
        continue;
      }
      // Before anything can log about this instance: its secrets are redacted from every log line from now on.
      for (const secret of [...configSecrets(instance, instanceSettingsSchema), ...configSecrets(instance.config, definition.spec)])
        registerSecret(secret);
      const spelledOut = isObject(written) && isObject(written[name]) ? new Set(Object.keys(written[name])) : new Set<string>();
      issues.push(...instanceIssues([...path, name], name, instance, definition, spelledOut, yaml));
      const settings = toInstanceConfig(
        name,
        instance as InstanceSettings,
        typeof instance.deadLetterTopic === 'string' ? instance.deadLetterTopic : `dlq.${name}`,
      );
      if (definition.kind === 'sink' && settings.topics === undefined) settings.topics = [...definition.consumes];
      instances.push(settings);
    }
    return { issues, settings: instances };
  },
};

function instanceIssues(
  path: ConfigPath,
  name: string,
  instance: Record<string, unknown>,
  definition: ConnectorDefinition,
  written: Set<string>,
  yaml: ConfigYaml,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (...rest: (string | number)[]) => [...path, ...rest];
  const misplaced = definition.kind === 'sink' ? SOURCE_ONLY_SETTINGS : SINK_ONLY_SETTINGS;
  for (const key of misplaced) {
    if (!written.has(key)) continue;
    const other = definition.kind === 'sink' ? 'source' : 'sink';
    issues.push(
      yaml.issueAt(
        at(key),
        'SETTING_NOT_FOR_KIND',
        `"${key}" applies to ${other} instances only; ${definition.name} is a ${definition.kind}`,
        'key',
      ),
    );
  }
  if (definition.kind === 'sink' && !written.has('topics') && definition.consumes.length === 0) {
    issues.push(yaml.issueAt(at('topics'), 'REQUIRED_MISSING', `is required: ${definition.name} consumes no topics by default`));
  }
  if (definition.kind === 'source' && typeof instance.schedule === 'string') {
    const problem = cronScheduleProblem(instance.schedule);
    if (problem) issues.push(yaml.issueAt(at('schedule'), 'CRON_INVALID', problem));
  }
  if (definition.kind === 'source' && definition.receivesWebhooks === true)
    issues.push(...webhookSecurityIssues(at('webhook'), name, instance, definition, yaml));
  const retry = instance.retry;
  if (
    isObject(retry) &&
    typeof retry.initialDelayMs === 'number' &&
    typeof retry.maxDelayMs === 'number' &&
    retry.maxDelayMs < retry.initialDelayMs
  ) {
    issues.push(
      yaml.issueAt(at('retry', 'maxDelayMs'), 'VALUE_INVALID', `must be at least retry.initialDelayMs (${retry.initialDelayMs})`),
    );
  }
  if (isObject(instance.config))
    issues.push(...validateAgainstSchema(compileConfigSchema(definition.spec as object), instance.config, at('config'), yaml));
  return issues;
}

/**
 * A push source answers POST /webhooks/<name> to whoever can reach the hub: unsigned, anyone could
 * write records. So it needs a secret, or says `insecure: true` in so many words.
 */
function webhookSecurityIssues(
  path: ConfigPath,
  name: string,
  instance: Record<string, unknown>,
  definition: ConnectorDefinition,
  yaml: ConfigYaml,
): ConfigIssue[] {
  const webhook = isObject(instance.webhook) ? instance.webhook : {};
  const hasSecret = typeof webhook.secret === 'string' || yaml.hasEnvProblem([...path, 'secret']);
  if (hasSecret && webhook.insecure === true) {
    return [
      yaml.issueAt(
        [...path, 'insecure'],
        'VALUE_INVALID',
        'contradicts webhook.secret: with a secret every request must be signed; remove one of the two',
      ),
    ];
  }
  if (hasSecret || webhook.insecure === true) return [];
  return [
    yaml.issueAt(
      [...path, 'secret'],
      'REQUIRED_MISSING',
      `is required: ${definition.name} receives webhooks, and without a secret anyone who can reach the hub can post records to ${name}; set webhook.secret (e.g. "\${${envName(name)}_WEBHOOK_SECRET}") or, on a trusted network only, webhook.insecure: true`,
    ),
  ];
}

/** `crm-main` → `CRM_MAIN`, for the environment variable a message suggests. */
function envName(instance: string): string {
  return instance.toUpperCase().replaceAll('-', '_');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
