import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { InfrastructureError } from './infrastructure-error.js';

/**
 * The child (a JVM) runs under a small shell guard that holds the read end of a pipe from us.
 * When this Node process ends for any reason, SIGKILL included, the pipe closes, the guard reads
 * EOF and stops the child: no broker is ever orphaned to hold a CI machine open. Closing the pipe
 * is also how `stop()` asks for a clean shutdown. The guard runs in its own process group
 * (detached) so that Ctrl-C reaches only the hub, which then stops its services in order.
 */
const GUARD_SCRIPT = `
exec 3<&0
"$@" </dev/null &
child=$!
(
  while read -r _; do :; done
  kill -TERM "$child" 2>/dev/null
  waited=0
  while kill -0 "$child" 2>/dev/null && [ "$waited" -lt "$CRM_HUB_STOP_GRACE_SECONDS" ]; do sleep 1; waited=$((waited + 1)); done
  kill -KILL "$child" 2>/dev/null
) <&3 &
watcher=$!
exec 3<&-
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
wait "$child"; status=$?
while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
kill "$watcher" 2>/dev/null
exit "$status"
`;

export interface SupervisedProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  stopGraceSeconds?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class SupervisedProcess {
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly options: SupervisedProcessOptions,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  static start(options: SupervisedProcessOptions): SupervisedProcess {
    const log = fs.openSync(options.logFile, 'a');
    try {
      const child = spawn('sh', ['-c', GUARD_SCRIPT, 'crm-hub-guard', options.command, ...options.args], {
        cwd: options.cwd,
        env: { ...(options.env ?? process.env), CRM_HUB_STOP_GRACE_SECONDS: String(options.stopGraceSeconds ?? 30) },
        stdio: ['pipe', log, log],
        detached: true,
      });
      // The pipe must not keep the event loop alive, or the hub could never exit on its own.
      child.unref();
      (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      child.stdin?.on('error', () => undefined);
      return new SupervisedProcess(child, options);
    } finally {
      fs.closeSync(log);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Asks for a clean shutdown, and kills the whole group if it has not ended after the grace period. */
  async stop(): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    this.child.stdin?.end();
    const graceMs = ((this.options.stopGraceSeconds ?? 30) + 5) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.killGroup();
      return this.exited;
    }
    return result;
  }

  /** Kills the whole group at once (the hub's shutdown deadline has passed); resolves when it is gone. */
  async kill(): Promise<ProcessExit> {
    if (this.exit) return this.exit;
    this.killGroup();
    return this.exited;
  }

  /** Last lines of the process log: what an error message shows when the process fails to start. */
  logTail(lines = 20): string {
    try {
      return fs.readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  failedToStart(reason: string): InfrastructureError {
    return new InfrastructureError(
      'PROCESS_START_FAILED',
      `${this.options.name} ${reason}. Log ${this.options.logFile}, last lines:\n${this.logTail()}`,
    );
  }

  private killGroup(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
