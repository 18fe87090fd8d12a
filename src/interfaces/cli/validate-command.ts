import type { Command } from 'commander';
import { formatConfigIssue } from '../../platform/config/config-issue.js';
import type { ConnectorCatalog } from '../../connect/sdk/connector-catalog.js';
import { printFailure } from './cli-output.js';
import { discoverCatalog, withConnectorsDir, type ConnectorsDirOptions } from './connectors-dir-option.js';
import type { FileValidationContext } from './validated-file-kind.js';

export function addValidateCommand(program: Command): void {
  withConnectorsDir(
    program
      .command('validate')
      .argument('<files...>', 'config files (crm-hub.yaml) and flow files, or folders of them (flows/: every *.yaml but *.test.yaml)'),
  )
    .description('check config files completely: every problem as file:line:column path: message; exit 1 when there is any')
    .action(async (files: string[], options: ConnectorsDirOptions) => {
      const [{ readConfigFile }, { expandFlowPaths, isFlowFileName }, { fileKindFor }] = await Promise.all([
        import('../../platform/config/config-file-reader.js'),
        import('../../flows/flow-file-loader.js'),
        import('./validated-file-kinds.js'),
      ]);
      let catalog: Promise<ConnectorCatalog> | undefined;
      const context: FileValidationContext = {
        env: process.env,
        envOptions: { deferRequired: true },
        catalog: () => (catalog ??= discoverCatalog(options)),
      };
      let problems = 0;
      for (const file of await expandFlowPaths(files, isFlowFileName)) {
        let text: string;
        try {
          text = await readConfigFile(file);
        } catch (error) {
          // One unreadable file does not hide the problems of the others.
          printFailure(error);
          problems++;
          continue;
        }
        const { issues, summary } = await fileKindFor(text).validate(file, text, context);
        for (const issue of issues) process.stdout.write(`${formatConfigIssue(issue)}\n`);
        if (issues.length === 0) process.stdout.write(`${summary}\n`);
        problems += issues.length;
      }
      if (problems > 0) {
        process.stderr.write(`${problems} problem${problems === 1 ? '' : 's'} found\n`);
        process.exitCode = 1;
      }
    });
}
