import type { Command } from 'commander';
import { withHubOptions } from './hub-api-client.js';
import type { TailOptions } from './topic-tail.js';

export function addTailCommand(program: Command): void {
  withHubOptions(program.command('tail <topic>'))
    .description(
      'print the records of a topic, one line each: time, partition:offset, key, headers and the value decoded from Avro (through the registry) or JSON, personal data masked; starts at the end and follows until Ctrl-C',
    )
    .option('--from-beginning', 'start at the first record of each partition instead of the end')
    .option('--key <key>', 'only the records with this key')
    .option('--count <n>', 'stop after this many records')
    .option('--json', 'one JSON object per record')
    .option(
      '--unmasked',
      'show personal data whole: only for a token (--token, CRM_HUB_TOKEN) the running hub confirms as operator or admin',
    )
    .option('--brokers <list>', "Kafka bootstrap servers, comma-separated (default: KAFKA_BROKERS, else the running hub's)")
    .option('--registry <url>', "Confluent-compatible registry URL (default: SCHEMA_REGISTRY_URL, else the running hub's)")
    .option('--schemas <dir>', 'schema folder whose topics.json says how each canonical topic is written (default: the project schemas/)')
    .action(async (topic: string, options: TailOptions) => (await import('./topic-tail.js')).tailTopic(topic, options));
}
