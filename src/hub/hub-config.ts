import type { ConnectorCatalog } from '../connect/sdk/connector-catalog.js';
import type { ConnectorInstanceConfig } from '../connect/runtime/connector-instance-config.js';
import { connectorInstancesSection } from '../connect/runtime/connector-instances-section.js';
import { customerViewSection, type CustomerViewSettings } from '../domain/customer-view/customer-view-settings.js';
import { adminSection, type AdminSettings } from '../interfaces/api/admin-settings.js';
import type { ConfigIssue } from '../platform/config/config-issue.js';
import { readConfigFile } from '../platform/config/config-file-reader.js';
import type { EnvResolutionOptions } from '../platform/config/env-references.js';
import { HubConfigError } from '../platform/config/hub-config-error.js';
import { defineSectionedConfigFile, validateSectionedConfig } from '../platform/config/sectioned-config-file.js';
import { registerSecret } from '../platform/observability/secret-registry.js';

/**
 * The hub config file (crm-hub.yaml): one section per subsystem that has settings, each
 * contributed by that subsystem (its schema, defaults and checks live beside its code). A new
 * subsystem with settings adds its section here.
 */
export const hubConfigFile = defineSectionedConfigFile<{ catalog: ConnectorCatalog }, HubConfigSections>(
  { connectors: connectorInstancesSection, customerView: customerViewSection, admin: adminSection },
  {
    empty: 'the file is empty; expected a "connectors:" map of connector instances',
    notAMap: 'must be a map with a "connectors:" key',
  },
);

type HubConfigSections = {
  connectors: typeof connectorInstancesSection;
  customerView: typeof customerViewSection;
  admin: typeof adminSection;
};

/** The hub config file, after `${ENV}` references are resolved, defaults applied and everything validated. */
export interface HubConfig {
  /** The file it came from, for messages. */
  file: string;
  connectors: ConnectorInstanceConfig[];
  /** Defaults apply when absent (no config file). */
  customerView?: CustomerViewSettings;
  /** API tokens and open routes; defaults apply when absent. */
  admin?: AdminSettings;
}

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

/** Checks a hub config text completely (see validateSectionedConfig) and reports every problem, not just the first. */
export function validateHubConfig(
  source: HubConfigSource,
  catalog: ConnectorCatalog,
  env: NodeJS.ProcessEnv = process.env,
  envOptions: EnvResolutionOptions = {},
): HubConfigValidation {
  const validation = validateSectionedConfig(hubConfigFile, source, { catalog }, env, envOptions);
  // Before anything can log or show them: an ${ENV} value is taken for a secret wherever it is put.
  for (const secret of validation.envSecrets) registerSecret(secret);
  const { issues, settings, values } = validation;
  if (!settings || !values) return { issues };
  const config: HubConfig = { file: source.file, ...settings };
  if (issues.length > 0) return { issues, partial: partialConfig(config, isObject(values.connectors) ? values.connectors : {}, issues) };
  return { issues: [], config };
}

/** Reads and validates a hub config file. Throws HubConfigError (CONFIG_INVALID) carrying every issue, or ConfigError CONFIG_UNREADABLE. */
export async function loadHubConfig(file: string, catalog: ConnectorCatalog, env: NodeJS.ProcessEnv = process.env): Promise<HubConfig> {
  const text = await readConfigFile(file);
  const { issues, config } = validateHubConfig({ file, text }, catalog, env);
  if (!config) throw new HubConfigError(file, issues);
  return config;
}

function partialConfig(config: HubConfig, declared: Record<string, unknown>, issues: ConfigIssue[]): HubConfigValidation['partial'] {
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
  return { config: { ...config, connectors: config.connectors.filter((instance) => !failed.has(instance.name)) }, failed };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
