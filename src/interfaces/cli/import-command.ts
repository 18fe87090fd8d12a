import { Option, type Command } from 'commander';
import { CSV_ENCODINGS } from '../../../connectors/csv-file/csv-encoding.js';
import type { ImportOptions } from './csv-import.js';

export function addImportCommand(program: Command): void {
  program
    .command('import <file>')
    .description(
      "one-shot import of a CSV file onto a canonical topic (the csv-file connector's conversion and checks), streamed in bounded memory; bad rows are quarantined. Exit 0 all written, 2 some quarantined, 1 failure",
    )
    .requiredOption('--topic <topic>', 'canonical topic, e.g. crm.customer.v1; every row is checked against its schema')
    .requiredOption('--key <field>', 'record field holding the business key, e.g. customerId')
    .requiredOption(
      '--columns <file>',
      'YAML or JSON mapping: CSV header → { field, type } (bare, or under columns: with defaults, timeZone, eventType)',
    )
    .addOption(
      new Option(
        '--encoding <encoding>',
        'character set of the file: utf8, gbk (read as GB18030), gb18030, or auto (UTF-8 with or without BOM, else GB18030); bytes invalid in it refuse the file before any row is sent',
      )
        .choices(CSV_ENCODINGS)
        .default('utf8'),
    )
    .option('--delimiter <char>', 'cell separator', ',')
    .option('--quarantine-topic <topic>', 'dead-letter topic of bad rows', 'dlq.import')
    .option('--brokers <list>', 'Kafka bootstrap servers, comma-separated (default: KAFKA_BROKERS)')
    .option('--registry <url>', "Confluent-compatible registry URL (default: SCHEMA_REGISTRY_URL, else the running hub's)")
    .option('--source-system <name>', 'meta.sourceSystem of the records', 'csv-import')
    .option('--batch-size <rows>', 'rows per produce request', '500')
    .addOption(
      new Option('--resume', 'go on after the last acknowledged row of an interrupted import of this file (its position file)').conflicts(
        'restart',
      ),
    )
    .option('--restart', 'import from the first row even though an interrupted import left a position file')
    .option('--position-file <file>', 'where the acknowledged position is kept while the import runs (default: <file>.import-position)')
    .action(async (file: string, options: ImportOptions) => (await import('./csv-import.js')).importCsv(file, options));
}
