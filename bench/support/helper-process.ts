import { fork, type ChildProcess } from 'node:child_process';
import { BenchError } from '../runner/bench-error.js';
import type { HelperMessage, HelperRequest } from './helper-process-protocol.js';

interface Pending {
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * A process a benchmark forks to stand apart from the code under test: a load generator that must
 * not share the hub's event loop, or a second hub process. It runs `entry` (with tsx) and takes
 * commands over IPC (see helper-process-child.ts). A helper ends when its benchmark process does,
 * even a SIGKILLed one: the IPC channel closes and the helper exits on `disconnect`.
 */
export class HelperProcess<Command, Event = unknown> {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((event: Event) => void)[] = [];
  private readonly exited: Promise<void>;
  private nextId = 0;
  private gone: BenchError | undefined;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (message: HelperMessage) => {
      if (message.kind === 'reply') {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) waiting?.resolve(message.result);
        else waiting?.reject(new BenchError(message.code, `${label}: ${message.message}`));
      } else if (message.kind === 'event') {
        for (const listener of this.listeners) listener(message.event as Event);
      }
    });
    child.once('exit', (code, signal) => {
      this.gone = new BenchError('BENCH_HELPER_EXITED', `${label} exited (${signal ?? `code ${code}`})`);
      for (const waiting of this.pending.values()) waiting.reject(this.gone);
      this.pending.clear();
    });
  }

  /** Forks the helper and waits for its `ready` (what it says there is returned as `info`). */
  static async start<Command, Event = unknown>(
    label: string,
    entry: string,
    env: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ helper: HelperProcess<Command, Event>; info: unknown }> {
    const child = fork(entry, [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const helper = new HelperProcess<Command, Event>(label, child);
    let timer: NodeJS.Timeout | undefined;
    const info = await new Promise<unknown>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new BenchError('BENCH_HELPER_TIMEOUT', `${label} was not ready within ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
      child.on('message', (message: HelperMessage) => {
        if (message.kind === 'ready') resolve(message.info);
        if (message.kind === 'failed') reject(new BenchError(message.code, `${label} failed to start: ${message.message}`));
      });
      child.once('exit', (code, signal) =>
        reject(new BenchError('BENCH_HELPER_EXITED', `${label} exited while starting (${signal ?? `code ${code}`})`)),
      );
      child.once('error', (error) =>
        reject(new BenchError('BENCH_HELPER_EXITED', `${label} could not be started: ${error.message}`, { cause: error })),
      );
    })
      .finally(() => clearTimeout(timer))
      .catch(async (error: unknown) => {
        await helper.stop(1000);
        throw error;
      });
    return { helper, info };
  }

  request<Result>(command: Command, timeoutMs: number): Promise<Result> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new BenchError('BENCH_HELPER_TIMEOUT', `${this.label} did not answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as Result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, command } satisfies HelperRequest<Command>);
    });
  }

  onEvent(listener: (event: Event) => void): void {
    this.listeners.push(listener);
  }

  /** Closes the IPC channel (the helper's cue to exit) and kills it if it is still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
