import type { ConnectorInstanceConfig } from '../connect/runtime/connector-instance-config.js';
import { redactConfig } from '../connect/runtime/instance-config-redaction.js';
import { formatConfigIssue } from '../platform/config/config-issue.js';
import { HubConfigError } from '../platform/config/hub-config-error.js';
import { readConfigFile } from '../platform/config/config-file-reader.js';
import { validateHubConfig, type HubConfig } from './hub-config.js';
import { ConnectorCatalog } from '../connect/sdk/connector-catalog.js';
import type { Logger } from '../platform/observability/logger.js';

/** What the hub hosts: the connector catalog, the instances to start, and those refused with their issues. */
export interface HubConnectors {
  catalog: ConnectorCatalog;
  config: HubConfig;
  invalid: Map<string, { connector: string; problems: string[] }>;
}

/**
 * Reads the hub config before anything starts. A broken file (bad YAML, no connectors map) stops
 * the hub with every issue; an instance with issues of its own is refused and reported, and the
 * other instances run.
 */
export async function loadHubConnectors(
  file: string | undefined,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<HubConnectors> {
  const catalog = await ConnectorCatalog.discover();
  if (!file) return { catalog, config: { file: '(none)', connectors: [] }, invalid: new Map() };
  const text = await readConfigFile(file);
  const validation = validateHubConfig({ file, text }, catalog, env);
  if (validation.config) return { catalog, config: validation.config, invalid: new Map() };
  if (!validation.partial) throw new HubConfigError(file, validation.issues);
  const invalid = new Map<string, { connector: string; problems: string[] }>();
  for (const [name, { connector, issues }] of validation.partial.failed) {
    for (const issue of issues) logger.error(`connector instance ${name} not started: ${formatConfigIssue(issue)}`);
    invalid.set(name, { connector, problems: issues.map(formatConfigIssue) });
  }
  return { catalog, config: validation.partial.config, invalid };
}

/** The config of a started instance as the API shows it: secrets and `${ENV}` values redacted. */
export function shownInstanceConfig(connectors: HubConnectors, name: string): ConnectorInstanceConfig | undefined {
  const instance = connectors.config.connectors.find((candidate) => candidate.name === name);
  const definition = instance && connectors.catalog.find(instance.connector);
  return instance && definition ? redactConfig(instance, definition) : undefined;
}
