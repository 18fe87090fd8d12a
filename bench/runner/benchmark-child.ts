import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from './bench-error.js';
import type { BenchmarkProcessInput, BenchmarkProcessMessage } from './benchmark-process-protocol.js';

const ENTRY = fileURLToPath(new URL('./benchmark-process.ts', import.meta.url));

/**
 * `CRM_HUB_BENCH_CPU_PROF=<dir>` runs each benchmark process under `node --cpu-prof` (the flag is
 * refused in NODE_OPTIONS): `<dir>/<name>/` gets a `.cpuprofile` per thread (the largest is the
 * benchmark's main thread; tsx's loader has its own), for `bench/profile/cpu-profile-summary.ts`.
 */
function cpuProfileArgs(name: string): string[] {
  const dir = process.env.CRM_HUB_BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, name)}`] : [];
}

/**
 * One benchmark in a forked Node process (tsx, `--expose-gc` so that a benchmark can collect its
 * set-up garbage before timing). Resolves with the process's one message; a process that exits
 * without one, or outlives `timeoutMs`, is an error (and is killed).
 */
export class BenchmarkChild {
  private child: ChildProcess | undefined;

  run(input: BenchmarkProcessInput, timeoutMs: number): Promise<BenchmarkProcessMessage> {
    return new Promise((resolve, reject) => {
      const child = fork(ENTRY, [], {
        execArgv: ['--import', 'tsx', '--expose-gc', ...cpuProfileArgs(input.name)],
        env: { ...process.env, CRM_HUB_BENCH_CONTEXT: JSON.stringify(input) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.child = child;
      let message: BenchmarkProcessMessage | undefined;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new BenchError('BENCH_TIMEOUT', `benchmark ${input.name} did not finish within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      child.on('message', (received) => {
        message = received as BenchmarkProcessMessage;
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new BenchError('BENCH_PROCESS_FAILED', `benchmark ${input.name}: ${error.message}`, { cause: error }));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.child = undefined;
        if (message) resolve(message);
        else
          reject(new BenchError('BENCH_PROCESS_FAILED', `benchmark ${input.name} exited (${signal ?? `code ${code}`}) without a result`));
      });
    });
  }

  /** Ends the process of the benchmark under way, if any (Ctrl-C). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }
}
