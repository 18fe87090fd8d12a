#!/usr/bin/env node
import { Command } from 'commander';
import { printFailure } from './cli-output.js';
import { addSchemasCommand } from './schemas-command.js';
import { addConnectorsCommand } from './connectors-command.js';
import { addNewCommand } from './new-command.js';
import { addTestCommand } from './test-command.js';
import { addValidateCommand } from './validate-command.js';
import { addImportCommand } from './import-command.js';
import { addCustomerCommand } from './customer-command.js';
import { addTokenCommand } from './token-command.js';
import { addTraceCommand } from './trace-command.js';
import { addDlqCommand } from './dlq-command.js';
import { addTailCommand } from './tail-command.js';

// A reader that stops early (`crm-hub dlq list | head`) closes the pipe: stop quietly, as Unix tools do, whatever the command.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

// Every command module declares its options and descriptions only; what a command does is imported
// when it runs, so that `--help` of any command loads neither Kafka, Avro, Express nor JSONata.
const program = new Command('crm-hub')
  .description('Enterprise integration hub: CRM and back office over Kafka and Avro')
  .version('0.1.0')
  .showHelpAfterError();

program
  .command('run')
  .description('start the hub (embedded Kafka and schema registry unless KAFKA_BROKERS / SCHEMA_REGISTRY_URL are set)')
  .option('-c, --config <file>', 'hub config file with connector instances (default: CRM_HUB_CONFIG, else ./crm-hub.yaml when present)')
  .option('-f, --flows <dir>', 'folder of flow files to run (default: CRM_HUB_FLOWS_DIR, else the project flows/)')
  .option('-w, --watch', 'recompile changed flow files while running; an invalid change keeps the last good version (CRM_HUB_WATCH=true)')
  .action(async (options: { config?: string; flows?: string; watch?: boolean }) => (await import('./run-command.js')).runCommand(options));

addSchemasCommand(program);
addConnectorsCommand(program);
addValidateCommand(program);
addTestCommand(program);
addNewCommand(program);
addImportCommand(program);
addCustomerCommand(program);
addTokenCommand(program);
addTraceCommand(program);
addDlqCommand(program);
addTailCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  printFailure(error);
  process.exitCode = 1;
});
