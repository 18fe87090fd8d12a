/**
 * `npm run bench [-- --quick] [-- --only a,b] [-- --out file]`: starts the real broker and registry
 * as the integration tests do, runs each benchmark in a process of its own, prints a table and
 * writes the figures with the machine's details to bench/results/. Whatever it started is stopped
 * at the end, on failure and on Ctrl-C.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../src/core/hub-error.js';
import { BenchInfrastructure } from './runner/bench-infrastructure.js';
import { parseBenchOptions, type BenchOptions } from './runner/bench-options.js';
import { BENCHMARK_NAMES } from './runner/benchmark-catalog.js';
import { BenchmarkChild } from './runner/benchmark-child.js';
import { describeMachine, machineDetails } from './runner/machine-details.js';
import { resultsFileName, writeResults, type BenchmarkOutcome, type BenchResults } from './runner/results-file.js';
import { formatResultsTable, type TableRow } from './runner/results-table.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2), BENCHMARK_NAMES);
} catch (error) {
  process.stderr.write(`${describeError(error).message}\n`);
  process.exit(2);
}

const startedAt = new Date().toISOString();
const started = performance.now();
const infrastructure = await BenchInfrastructure.create();
const child = new BenchmarkChild();

let interrupted = false;
const interrupt = (signal: NodeJS.Signals) => {
  if (interrupted) return;
  interrupted = true;
  log(`${signal}: stopping the benchmark and everything the run started`);
  child.kill();
  void infrastructure.stop().finally(() => process.exit(130));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

try {
  const { kafka, registry } = await infrastructure.start(log);
  const machine = machineDetails(infrastructure.versions());
  log(`ready in ${seconds(started)} s\n${describeMachine(machine)}`);
  const outcomes: BenchmarkOutcome[] = [];
  for (const name of options.only ? BENCHMARK_NAMES.filter((known) => options.only!.includes(known)) : BENCHMARK_NAMES) {
    if (interrupted) break;
    log(`${name}: running`);
    const begun = performance.now();
    const outcome = await child
      .run(
        {
          name,
          brokers: kafka.brokers,
          registryUrl: registry.url,
          quick: options.quick,
          workDir: path.join(infrastructure.workDir, 'benchmarks', name),
        },
        (options.quick ? 10 : 60) * 60_000,
      )
      .then(
        (message): BenchmarkOutcome =>
          message.kind === 'result'
            ? {
                name,
                description: message.description,
                status: 'ok',
                seconds: seconds(begun),
                processPeakRssMiB: Math.round(message.peakRssBytes / 2 ** 20),
                result: message.result,
              }
            : { name, status: 'failed', seconds: seconds(begun), error: { code: message.code, message: message.message } },
        (error: unknown): BenchmarkOutcome => ({ name, status: 'failed', seconds: seconds(begun), error: describeError(error) }),
      );
    log(`${name}: ${outcome.status} in ${outcome.seconds} s${outcome.error ? `: ${outcome.error.message}` : ''}`);
    outcomes.push(outcome);
  }
  if (!interrupted) {
    const results: BenchResults = { startedAt, quick: options.quick, seconds: seconds(started), machine, benchmarks: outcomes };
    const file = path.resolve(options.out ?? path.join(RESULTS_DIR, resultsFileName(startedAt)));
    await writeResults(results, file, RESULTS_DIR);
    process.stdout.write(`${report(results)}\nResults: ${path.relative(process.cwd(), file)} (and bench/results/latest.json)\n`);
    if (outcomes.some((outcome) => outcome.status === 'failed')) process.exitCode = 1;
  }
} catch (error) {
  log(`failed: ${describeError(error).message}`);
  process.exitCode = 1;
} finally {
  if (!interrupted) await infrastructure.stop();
}

function report(results: BenchResults): string {
  const rows: TableRow[] = results.benchmarks.flatMap((outcome) =>
    (outcome.result?.figures ?? []).map((figure) => ({ benchmark: outcome.name, figure })),
  );
  // A note several benchmarks share (the client line) is said once, with their names.
  const notedBy = new Map<string, string[]>();
  for (const outcome of results.benchmarks)
    for (const note of outcome.result?.notes ?? []) notedBy.set(note, [...(notedBy.get(note) ?? []), outcome.name]);
  const notes = [...notedBy].map(([note, names]) => `- ${names.join(', ')}: ${note}`);
  const failures = results.benchmarks
    .filter((outcome) => outcome.status === 'failed')
    .map((outcome) => `- ${outcome.name} FAILED: ${outcome.error?.message.split('\n')[0]}`);
  return [
    `crm-hub benchmarks${results.quick ? ' (--quick)' : ''}, ${results.startedAt}, ${results.seconds} s`,
    describeMachine(results.machine),
    '',
    formatResultsTable(rows),
    ...(notes.length > 0 ? ['', 'Notes:', ...notes] : []),
    ...(failures.length > 0 ? ['', ...failures] : []),
    '',
  ].join('\n');
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}
