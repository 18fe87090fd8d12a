import { Option, type Command } from 'commander';

export function addTokenCommand(program: Command): void {
  const token = program.command('token').description('API tokens of the admin API');
  token
    .command('new')
    .description(
      'make a new API token: prints the token (give it to its holder) and the entry for admin.tokens in crm-hub.yaml (the hub stores only its SHA-256)',
    )
    .requiredOption('--name <name>', 'who will hold it, e.g. ops-alice')
    .addOption(
      new Option('--role <role>', 'viewer reads; operator also controls and replays; admin everything')
        .choices(['viewer', 'operator', 'admin'])
        .default('viewer'),
    )
    .action(async (options: { name: string; role: string }) => {
      const [{ newApiToken }, { sha256Hex }] = await Promise.all([import('../api/bootstrap-token.js'), import('../api/api-tokens.js')]);
      const value = newApiToken();
      process.stdout.write(
        `token: ${value}\n\n# crm-hub.yaml\nadmin:\n  tokens:\n    - { name: ${JSON.stringify(options.name)}, role: ${options.role}, sha256: ${sha256Hex(value)} }\n`,
      );
    });
  token
    .command('hash <token>')
    .description('the SHA-256 of an existing token, for admin.tokens')
    .action(async (value: string) => {
      const { sha256Hex } = await import('../api/api-tokens.js');
      process.stdout.write(`${sha256Hex(value)}\n`);
    });
}
