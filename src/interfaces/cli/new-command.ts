import { Option, type Command } from 'commander';
import path from 'node:path';

export function addNewCommand(program: Command): void {
  const create = program.command('new').description('scaffold new parts of the hub');
  create
    .command('connector')
    .argument('<name>', 'connector name, e.g. erp-orders')
    .description('create connectors/<name>/ with a working definition, README and test')
    .addOption(new Option('--kind <kind>', 'source or sink').choices(['source', 'sink']).default('sink'))
    .option('--dir <dir>', 'connectors folder (default: the project connectors/)')
    .action(async (name: string, options: { kind: 'source' | 'sink'; dir?: string }) => {
      const { scaffoldConnector } = await import('./connector-scaffold.js');
      const files = await scaffoldConnector({ name, kind: options.kind, connectorsDir: options.dir });
      for (const file of files) process.stdout.write(`created ${path.relative(process.cwd(), file)}\n`);
      const elsewhere = options.dir ? ` --connectors ${options.dir}` : '';
      process.stdout.write(
        `next: replace the system-specific part of index.ts; npx --offline crm-hub connectors describe ${name}${elsewhere}\n`,
      );
    });
}
