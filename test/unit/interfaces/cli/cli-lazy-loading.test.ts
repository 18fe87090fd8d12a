import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, PROJECT_ROOT } from '../../../support/cli-process.js';

/** Resolve hook that appends every module URL the process resolves to the file in MODULE_LOAD_LOG. */
const recorderHooks = `import fs from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  fs.appendFileSync(process.env.MODULE_LOAD_LOG, result.url + '\\n');
  return result;
}`;
const registerRecorder = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(recorderHooks)}`)});`;

/** Packages that take long to load and that no `--help` needs. */
const HEAVY_PACKAGES = ['kafkajs', 'avsc', 'express', 'jsonata', 'axios', 'ajv', 'winston', 'prom-client'];

/** Runs `crm-hub <args> --help` from source and returns its help text and the packages it loaded. */
async function helpOf(args: string[], logDir: string): Promise<{ text: string; packages: Set<string> }> {
  const log = path.join(logDir, `${args.join('-') || 'top'}.log`);
  const cli = path.join(PROJECT_ROOT, 'src/interfaces/cli/main.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(registerRecorder)}`, cli, ...args, '--help'],
    {
      cwd: PROJECT_ROOT,
      env: cleanEnv({ MODULE_LOAD_LOG: log }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, errors).to.equal(0);
  const urls = (await fs.readFile(log, 'utf8')).split('\n');
  const packages = new Set(urls.flatMap((url) => [...url.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((match) => match[1]!)));
  return { text, packages };
}

/** The command names of a help text's "Commands:" section. */
function commandsOf(help: string): string[] {
  const section = help.split('\nCommands:\n')[1] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

describe('crm-hub --help loads no command implementation', function () {
  // One child process per command, run from source through tsx.
  this.timeout(180_000);
  let logDir: string;

  before(async () => {
    logDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-cli-lazy-'));
  });
  after(() => fs.rm(logDir, { recursive: true, force: true }));

  it('neither the top level nor any command or subcommand loads Kafka, Avro, Express, JSONata or the like', async () => {
    const top = await helpOf([], logDir);
    // The recorder saw the CLI's own framework, so an empty list below means something.
    expect(top.packages).to.include('commander');
    const commands = commandsOf(top.text);
    expect(commands).to.include.members(['run', 'schemas', 'connectors', 'import', 'dlq', 'validate']);
    const loaded: Record<string, string[]> = { '': HEAVY_PACKAGES.filter((name) => top.packages.has(name)) };
    for (const command of commands) {
      const help = await helpOf([command], logDir);
      loaded[command] = HEAVY_PACKAGES.filter((name) => help.packages.has(name));
      const subcommands = commandsOf(help.text);
      // Subcommands share their command's module: the first one shows that its action is not loaded either.
      if (subcommands.length > 0) {
        const sub = await helpOf([command, subcommands[0]!], logDir);
        loaded[`${command} ${subcommands[0]}`] = HEAVY_PACKAGES.filter((name) => sub.packages.has(name));
      }
    }
    expect(Object.entries(loaded).filter(([, packages]) => packages.length > 0)).to.deep.equal([]);
  });
});
