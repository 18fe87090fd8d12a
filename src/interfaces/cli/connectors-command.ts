import type { Command } from 'commander';
import type { ConnectorDefinition } from '../../connect/sdk/connector-definition.js';
import { discoverCatalog, withConnectorsDir, type ConnectorsDirOptions } from './connectors-dir-option.js';

interface ConnectorsOptions extends ConnectorsDirOptions {
  json?: boolean;
}

export function addConnectorsCommand(program: Command): void {
  const connectors = program.command('connectors').description('the connectors this hub knows (folders under connectors/): list, describe');

  withConnectorsDir(connectors.command('list'))
    .description('list connectors with kind, version, description and the topics they produce or consume')
    .option('--json', 'print JSON')
    .action(async (options: ConnectorsOptions) => {
      const rows = (await discoverCatalog(options)).list().map(listRow);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
      const topicsWidth = Math.max(6, ...rows.map((row) => topicsText(row).length));
      process.stdout.write(`${'NAME'.padEnd(nameWidth)}  KIND    VERSION  ${'TOPICS'.padEnd(topicsWidth)}  DESCRIPTION\n`);
      for (const row of rows) {
        process.stdout.write(
          `${row.name.padEnd(nameWidth)}  ${row.kind.padEnd(6)}  ${row.version.padEnd(7)}  ${topicsText(row).padEnd(topicsWidth)}  ${row.description}\n`,
        );
      }
    });

  withConnectorsDir(connectors.command('describe').argument('<name>', 'connector name'))
    .description("a connector's config reference: every setting with type, default, constraints and description (--json: its JSON Schema)")
    .option('--json', 'print the JSON Schema of its config')
    .action(async (name: string, options: ConnectorsOptions) => {
      const definition = (await discoverCatalog(options)).get(name);
      const { describeConnector } = await import('../../connect/sdk/connector-spec-docs.js');
      process.stdout.write(options.json ? `${JSON.stringify(definition.spec, null, 2)}\n` : describeConnector(definition));
    });
}

interface ListRow {
  name: string;
  kind: 'source' | 'sink';
  version: string;
  description: string;
  produces?: string[];
  consumes?: string[];
}

function listRow(definition: ConnectorDefinition): ListRow {
  const { name, kind, version, description } = definition;
  return definition.kind === 'source'
    ? { name, kind, version, description, produces: definition.produces }
    : { name, kind, version, description, consumes: definition.consumes };
}

function topicsText(row: ListRow): string {
  const topics = row.produces ?? row.consumes ?? [];
  return `${row.produces ? 'produces' : 'consumes'} ${topics.length > 0 ? topics.join(',') : '-'}`;
}
