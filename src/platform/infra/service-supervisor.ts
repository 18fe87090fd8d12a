import { systemClock, type Clock } from '../../core/clock.js';
import { describeError } from '../../core/hub-error.js';
import { NO_JITTER, RetryPolicy } from '../retry/retry-policy.js';
import { InfrastructureError } from './infrastructure-error.js';
import type { ProcessExit } from './supervised-process.js';

/** How often, and how far apart, a dead embedded service is started again before the hub gives up. */
export interface ServiceRestartPolicy {
  /** Failed restarts in a row after which the hub exits (CRM_HUB_SERVICE_RESTART_ATTEMPTS). */
  attempts: number;
  /** Wait before the first restart; doubled after each failed one (CRM_HUB_SERVICE_RESTART_DELAY_MS). */
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * A restarted service that then stays up this long counts as recovered: the next death starts
   * again from the first attempt. One that dies sooner continues the count, so a crash loop ends too.
   */
  stableAfterMs: number;
}

export const DEFAULT_SERVICE_RESTART_POLICY: ServiceRestartPolicy = {
  attempts: 5,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
};

/** An embedded broker or registry as the supervisor sees it: a process that may die and can be started again in place. */
export interface RestartableService {
  /** What the log and the final error call it, e.g. `embedded Kafka on 127.0.0.1:9092`. */
  readonly name: string;
  /** Settles when the current process exits. */
  readonly exited: Promise<ProcessExit>;
  /** The process log, for whoever has to find out why it died. */
  readonly logFile: string;
  /** Starts it again on the same port and data; rejects when it does not serve. */
  restart(): Promise<void>;
}

export interface SupervisorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** An embedded service died and could not be started again: the hub cannot work without it and exits. */
export class ServiceDiedError extends InfrastructureError {
  constructor(
    readonly service: string,
    readonly exit: ProcessExit,
    readonly attempts: number,
    lastError: unknown,
    logFile: string,
  ) {
    const last =
      lastError === undefined ? 'it died again soon after its restart' : `the last restart failed: ${describeError(lastError).message}`;
    super(
      'EMBEDDED_SERVICE_DIED',
      `${service} died (${describeExit(exit)}) and could not be brought back: ${attempts} restart attempt(s) in a row, ${last}. Its log: ${logFile}`,
      { cause: lastError },
    );
  }
}

export function describeExit(exit: ProcessExit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  // The guard shell reports a child killed by signal N as exit code 128 + N.
  if (exit.code !== null && exit.code > 128) return `exit code ${exit.code}, i.e. killed by signal ${exit.code - 128}`;
  return `exit code ${exit.code}`;
}

export interface ServiceSupervisorOptions {
  policy: ServiceRestartPolicy;
  log: SupervisorLog;
  /** Called once when the restarts are used up; the hub then stops and exits non-zero. */
  onGaveUp: (error: ServiceDiedError) => void;
  clock?: Clock;
}

/**
 * Watches one embedded service: when its process exits without being asked to, it says so in the log
 * and starts it again on the same port and data, with a growing wait between tries. Clients keep their
 * address and reconnect; what the service stored is still there. After `attempts` failed restarts in
 * a row it gives up and tells the hub, which exits with the reason rather than run degraded forever.
 */
export class ServiceSupervisor {
  private readonly stopped = new AbortController();
  private readonly clock: Clock;
  /**
   * The run that died counts as the first try, so restart n is try n + 1. No jitter: one service
   * restarts, there is no herd to spread, and the waits are the documented doubling.
   */
  private readonly backoff: RetryPolicy;
  /** Settles when the watch loop ends (stopped or gave up); tests await it. */
  readonly done: Promise<void>;

  constructor(
    private readonly service: RestartableService,
    private readonly options: ServiceSupervisorOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    const { attempts, initialDelayMs, maxDelayMs } = options.policy;
    this.backoff = new RetryPolicy({ attempts: attempts + 1, initialDelayMs, maxDelayMs, multiplier: 2 }, NO_JITTER);
    this.done = this.watch();
  }

  /** Before the hub stops the service itself: its exit from now on is expected. */
  stop(): void {
    this.stopped.abort();
  }

  private async watch(): Promise<void> {
    const signal = this.stopped.signal;
    const { policy, log } = this.options;
    let failures = 0;
    let startedAt = this.clock.now();
    for (;;) {
      const exit = await this.untilStopped(this.service.exited);
      if (exit === undefined) return;
      if (this.clock.now() - startedAt >= policy.stableAfterMs) failures = 0;
      log.error(`${this.service.name} died (${describeExit(exit)}); restarting it on the same port and data (log ${this.service.logFile})`);
      let lastError: unknown;
      for (;;) {
        if (!this.backoff.canRetry(failures + 1)) {
          const error = new ServiceDiedError(this.service.name, exit, failures, lastError, this.service.logFile);
          log.error(error.message);
          this.options.onGaveUp(error);
          return;
        }
        await this.clock.sleep(this.backoff.delayMs(failures + 1), signal);
        if (signal.aborted) return;
        try {
          await this.service.restart();
          startedAt = this.clock.now();
          log.warn(`${this.service.name} restarted (attempt ${failures + 1} of ${policy.attempts})`);
          failures++;
          break;
        } catch (error) {
          failures++;
          lastError = error;
          if (signal.aborted) return;
          log.warn(`restarting ${this.service.name} failed (attempt ${failures} of ${policy.attempts}): ${describeError(error).message}`);
        }
      }
    }
  }

  private untilStopped<T>(promise: Promise<T>): Promise<T | undefined> {
    const signal = this.stopped.signal;
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = () => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      void promise.then((value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(signal.aborted ? undefined : value);
      });
    });
  }
}
