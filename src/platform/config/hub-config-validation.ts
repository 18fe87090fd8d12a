import type { ConnectorCatalog } from '../../connect/sdk/connector-catalog.js';
import { unknownConnectorMessage } from '../../connect/sdk/connector-catalog.js';
import type { ConnectorDefinition } from '../../connect/sdk/connector-definition.js';
import { compareConfigIssues, type ConfigIssue } from './config-issue.js';
import { compileConfigSchema } from './config-schema-compiler.js';
import { readConfigYaml, type ConfigYaml } from './config-yaml-reader.js';
import type { ConnectorInstanceConfig, HubConfig } from './connector-instance-config.js';
import { cronScheduleProblem } from './cron-schedule.js';
import { hubConfigSchema } from './hub-config-schema.js';
import {
  instanceSettingsSchema,
  SINK_ONLY_SETTINGS,
  SOURCE_ONLY_SETTINGS,
  toInstanceConfig,
  type InstanceSettings,
} from './instance-settings-schema.js';
import { validateAgainstSchema } from './schema-issues.js';
import type { CustomerViewSettings } from '../../domain/customer-view/customer-view-settings.js';
import type { AdminSettings } from '../../interfaces/api/admin-settings.js';
import { compileSegmentRules } from '../../domain/customer-view/segments/segment-rules.js';
import { configSecrets } from '../observability/config-secrets.js';
import { registerSecret } from '../observability/secret-registry.js';
import type { EnvResolutionOptions } from './env-references.js';

export interface HubConfigSource {
  /** How the file is named in messages (as the user gave it). */
  file: string;
  text: string;
}

/** Every issue of the file, in file order; `config` only when there are none. */
export interface HubConfigValidation {
  issues: ConfigIssue[];
  config?: HubConfig;
  /**
   * When every issue belongs to one instance or another (the file itself is sound), the instances
   * without issues, and the issues of the others by instance name: `crm-hub run` starts the
   * former and reports the latter as failed, so one bad instance does not stop the hub.
   */
  partial?: { config: HubConfig; failed: Map<string, { connector: string; issues: ConfigIssue[] }> };
}

/**
 * Checks a hub config text completely and reports every problem, not just the first: YAML
 * syntax, `${ENV}` references, the runtime-owned settings of each instance (defaults applied),
 * the connector name, settings that do not fit the connector's kind, cron schedules, and each
 * instance's `config` against its connector's spec.
 */
export function validateHubConfig(
  source: HubConfigSource,
  catalog: ConnectorCatalog,
  env: NodeJS.ProcessEnv = process.env,
  envOptions: EnvResolutionOptions = {},
): HubConfigValidation {
  const yaml = readConfigYaml(source.file, source.text, env, envOptions);
  const issues = [...yaml.issues];
  const done = () => ({ issues: issues.sort(compareConfigIssues) });
  if (yaml.value === undefined) return done();
  if (yaml.value === null) {
    issues.push(yaml.issueAt([], 'CONFIG_EMPTY', 'the file is empty; expected a "connectors:" map of connector instances'));
    return done();
  }
  if (!isObject(yaml.value)) {
    issues.push(yaml.issueAt([], 'TYPE_MISMATCH', 'must be a map with a "connectors:" key'));
    return done();
  }
  const root = yaml.value;
  // What each instance spells out, before defaults fill in the rest: kind checks look at this.
  const written = new Map<string, Set<string>>();
  if (isObject(root.connectors)) {
    for (const [name, instance] of Object.entries(root.connectors))
      if (isObject(instance)) written.set(name, new Set(Object.keys(instance)));
  }
  issues.push(...validateAgainstSchema(compileConfigSchema(hubConfigSchema), root, [], yaml));

  const instances: ConnectorInstanceConfig[] = [];
  for (const [name, instance] of Object.entries(isObject(root.connectors) ? root.connectors : {})) {
    if (!isObject(instance) || typeof instance.connector !== 'string') continue;
    const definition = catalog.find(instance.connector);
    if (!definition) {
      issues.push(
        yaml.issueAt(['connectors', name, 'connector'], 'CONNECTOR_UNKNOWN', unknownConnectorMessage(instance.connector, catalog.names())),
      );
      continue;
    }
    // Before anything can log about this instance: its secrets are redacted from every log line from now on.
    for (const secret of [...configSecrets(instance, instanceSettingsSchema), ...configSecrets(instance.config, definition.spec)])
      registerSecret(secret);
    issues.push(...instanceIssues(name, instance, definition, written.get(name) ?? new Set(), yaml));
    instances.push(
      toInstanceConfig(
        name,
        instance as InstanceSettings,
        typeof instance.deadLetterTopic === 'string' ? instance.deadLetterTopic : `dlq.${name}`,
      ),
    );
    const last = instances.at(-1)!;
    if (definition.kind === 'sink' && last.topics === undefined) last.topics = [...definition.consumes];
  }
  // Defaults were filled in by the schema validation above; segment rules are JSONata, checked by their compiler.
  if (!isObject(root.customerView)) root.customerView = {};
  const customerView = root.customerView as unknown as CustomerViewSettings;
  if (isObject(customerView.segments)) {
    const compiled = compileSegmentRules(customerView.segments);
    if (!compiled.ok)
      for (const issue of compiled.issues)
        issues.push(yaml.issueAt(['customerView', 'segments', ...segmentIssuePath(issue.path)], issue.code, issue.message));
  }
  const sections = { customerView, admin: root.admin as unknown as AdminSettings };
  if (issues.length > 0)
    return {
      ...done(),
      partial: partialConfig(source.file, isObject(root.connectors) ? root.connectors : {}, instances, issues, sections),
    };
  return { issues: [], config: { file: source.file, connectors: instances, ...sections } };
}

function partialConfig(
  file: string,
  declared: Record<string, unknown>,
  instances: ConnectorInstanceConfig[],
  issues: ConfigIssue[],
  sections: Pick<HubConfig, 'customerView' | 'admin'>,
): HubConfigValidation['partial'] {
  const failed = new Map<string, { connector: string; issues: ConfigIssue[] }>();
  for (const issue of issues) {
    const name = /^connectors\.([a-z][a-z0-9-]*)(\.|$)/.exec(issue.path)?.[1];
    if (name === undefined || !(name in declared)) return undefined;
    const instance = declared[name];
    const connector = isObject(instance) && typeof instance.connector === 'string' ? instance.connector : 'unknown';
    const entry = failed.get(name) ?? { connector, issues: [] };
    entry.issues.push(issue);
    failed.set(name, entry);
  }
  return { config: { file, connectors: instances.filter((instance) => !failed.has(instance.name)), ...sections }, failed };
}

function instanceIssues(
  name: string,
  instance: Record<string, unknown>,
  definition: ConnectorDefinition,
  written: Set<string>,
  yaml: ConfigYaml,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (...path: (string | number)[]) => ['connectors', name, ...path];
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
    issues.push(...webhookSecurityIssues(name, instance, definition, yaml));
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
  name: string,
  instance: Record<string, unknown>,
  definition: ConnectorDefinition,
  yaml: ConfigYaml,
): ConfigIssue[] {
  const path = ['connectors', name, 'webhook'];
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

/** `rules[2].when` → ['rules', 2, 'when'], as config issue paths are written. */
function segmentIssuePath(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const indexed = /^(.*)\[(\d+)\]$/.exec(part);
    return indexed ? [indexed[1]!, Number(indexed[2])] : [part];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
