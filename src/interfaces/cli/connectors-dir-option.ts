import type { Command } from 'commander';
import type { ConnectorCatalog } from '../../connect/sdk/connector-catalog.js';

export interface ConnectorsDirOptions {
  connectors?: string;
}

/** `--connectors <dir>`, else CRM_HUB_CONNECTORS_DIR, else the connectors of this installation. */
export function withConnectorsDir(command: Command): Command {
  return command.option('--connectors <dir>', 'connectors folder (default: CRM_HUB_CONNECTORS_DIR, else the project connectors/)');
}

export async function discoverCatalog(options: ConnectorsDirOptions): Promise<ConnectorCatalog> {
  const { ConnectorCatalog } = await import('../../connect/sdk/connector-catalog.js');
  return ConnectorCatalog.discover(options.connectors ?? (process.env.CRM_HUB_CONNECTORS_DIR || undefined));
}
