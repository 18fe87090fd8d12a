import fs from 'node:fs/promises';
import type { ConnectorCatalog } from '../../connect/sdk/connector-catalog.js';
import { ConfigError } from '../../core/hub-error.js';
import type { HubConfig } from './connector-instance-config.js';
import { HubConfigError } from './hub-config-error.js';
import { validateHubConfig } from './hub-config-validation.js';

/**
 * Reads and validates a hub config file (crm-hub.yaml). Throws HubConfigError (CONFIG_INVALID)
 * carrying every issue, or ConfigError CONFIG_UNREADABLE when the file cannot be read.
 */
export async function loadHubConfig(file: string, catalog: ConnectorCatalog, env: NodeJS.ProcessEnv = process.env): Promise<HubConfig> {
  const text = await readConfigFile(file);
  const { issues, config } = validateHubConfig({ file, text }, catalog, env);
  if (!config) throw new HubConfigError(file, issues);
  return config;
}

export async function readConfigFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((error as NodeJS.ErrnoException).code ?? String(error));
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read ${file}: ${reason}`, { cause: error });
  }
}
