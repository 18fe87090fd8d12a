import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark } from '../runner/benchmark.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI as `npm ci` builds it and as a user runs it (`node dist/src/interfaces/cli/main.js`, `npx --offline crm-hub`). */
const BUILT_CLI = path.join(PROJECT_ROOT, 'dist/src/interfaces/cli/main.js');

/** One fresh process to its exit, in milliseconds; its stdout for the caller to check. */
function timeProcess(args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ ms, stdout });
      else reject(new BenchError('BENCH_CLI_FAILED', `node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
    });
  });
}

/** The command names of a help text's "Commands:" section. */
function commandsOf(help: string): string[] {
  const section = help.split('\nCommands:\n')[1] ?? '';
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A build older than the CLI's sources would time code that is not the code under test. */
async function checkBuildIsCurrent(): Promise<void> {
  const built = await fs.stat(BUILT_CLI).catch(() => undefined);
  if (!built) throw new BenchError('BENCH_NOT_BUILT', `${BUILT_CLI} does not exist: run npm run build first`);
  const sourceDir = path.join(PROJECT_ROOT, 'src/cli');
  for (const name of await fs.readdir(sourceDir)) {
    if ((await fs.stat(path.join(sourceDir, name))).mtimeMs > built.mtimeMs)
      throw new BenchError(
        'BENCH_STALE_BUILD',
        `src/interfaces/cli/${name} is newer than ${path.relative(PROJECT_ROOT, BUILT_CLI)}: run npm run build first`,
      );
  }
}

/**
 * `crm-hub <command> --help` of the built CLI in a fresh process, for the top level, every command
 * and every subcommand: what a user waits for before the first line of help. Each round runs the
 * baseline and every help once, so that a busy neighbour weighs on all of them alike.
 */
export const cliHelpBenchmark: Benchmark = {
  name: 'cli-help',
  description:
    'The built CLI (node dist/src/interfaces/cli/main.js) answering --help in a fresh process: the top level, every command and every subcommand; median of N rounds, against `node -e 0` started the same way in the same rounds.',
  async run(context) {
    await checkBuildIsCurrent();
    const rounds = context.quick ? 5 : 15;
    const top = await timeProcess([BUILT_CLI, '--help']);
    const invocations: string[][] = [[]];
    for (const command of commandsOf(top.stdout)) {
      invocations.push([command]);
      const help = await timeProcess([BUILT_CLI, command, '--help']);
      for (const subcommand of commandsOf(help.stdout)) invocations.push([command, subcommand]);
    }
    context.log(`${invocations.length} help screens, ${rounds} rounds`);

    const baselineMs: number[] = [];
    const helpMs = new Map<string, number[]>(invocations.map((args) => [args.join(' '), []]));
    for (let round = 0; round < rounds; round++) {
      baselineMs.push((await timeProcess(['-e', '0'])).ms);
      for (const args of invocations) helpMs.get(args.join(' '))!.push((await timeProcess([BUILT_CLI, ...args, '--help'])).ms);
    }

    const medians = Object.fromEntries([...helpMs].map(([name, values]) => [name || '(top level)', Math.round(median(values))]));
    const [slowestName, slowestMs] = Object.entries(medians).sort((a, b) => b[1] - a[1])[0]!;
    const baseline = { name: 'node -e 0', value: Math.round(median(baselineMs)), unit: 'ms' };
    context.log(`node -e 0 ${baseline.value} ms; top level ${medians['(top level)']} ms; slowest ${slowestName} ${slowestMs} ms`);
    const timed = `from spawn to exit of a fresh \`node dist/src/interfaces/cli/main.js … --help\` process, median of ${rounds} rounds`;
    return {
      figures: [
        {
          name: 'crm-hub --help',
          value: medians['(top level)']!,
          unit: 'ms',
          measured: `${timed}. Baseline: \`node -e 0\` spawned the same way in the same rounds`,
          baseline,
        },
        {
          name: `slowest command --help (${slowestName})`,
          value: slowestMs,
          unit: 'ms',
          measured: `the highest median over the ${invocations.length - 1} commands and subcommands, each ${timed}. Baseline as above`,
          baseline,
        },
      ],
      details: { rounds, baselineMs: baseline.value, medians },
    };
  },
};
