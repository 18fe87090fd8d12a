import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/hub-error.js';
import type { BackOfficeRecord, Latency } from './back-office-simulator-options.js';

/** The answer a request gets instead of being handled. */
export interface InjectedFailure {
  status: number;
  retryAfterSeconds?: number;
}

export interface FailNextOptions {
  /** Only requests with this method (any case) count; others pass untouched. */
  method?: string;
  /** Only requests whose path equals this string or matches this pattern count. */
  path?: string | RegExp;
  /** Sent as `Retry-After`, as 429 and 503 answers of real systems do. */
  retryAfterSeconds?: number;
}

export type RejectionStatus = 400 | 409 | 422;
export type RecordPredicate = (record: BackOfficeRecord, context: { collection: string; key: string }) => boolean;

interface PendingFailures extends FailNextOptions, InjectedFailure {
  remaining: number;
}

interface Rejection {
  predicate: RecordPredicate;
  status: RejectionStatus;
}

/**
 * The faults a test has asked for. Counted and timed faults are consumed or expire here, by deadline
 * rather than timer, so that nothing injected can outlive the test or hold the process open.
 */
export class FaultInjector {
  private pending: PendingFailures[] = [];
  private failingUntil: (InjectedFailure & { until: number }) | undefined;
  private latency: Latency | 'hang';
  private rejections: Rejection[] = [];

  constructor(
    private readonly initialLatency: Latency,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.latency = initialLatency;
  }

  failNext(count: number, status: number, options: FailNextOptions = {}): void {
    requireFailureStatus(status);
    if (!Number.isInteger(count) || count < 1) throw new ConfigError('SIMULATOR_FAULT_INVALID', `failNext needs a count ≥ 1, got ${count}`);
    this.pending.push({ ...options, status, remaining: count });
  }

  failFor(ms: number, status: number, options: { retryAfterSeconds?: number } = {}): void {
    requireFailureStatus(status);
    this.failingUntil = { ...options, status, until: this.clock.now() + ms };
  }

  /** Ends a `failFor` window before its deadline; other faults stay. */
  endFailFor(): void {
    this.failingUntil = undefined;
  }

  setLatency(latency: Latency | 'hang'): void {
    this.latency = latency;
  }

  rejectWhen(predicate: RecordPredicate, status: RejectionStatus): () => void {
    const rejection = { predicate, status };
    this.rejections.push(rejection);
    return () => {
      this.rejections = this.rejections.filter((other) => other !== rejection);
    };
  }

  clear(): void {
    this.pending = [];
    this.failingUntil = undefined;
    this.latency = this.initialLatency;
    this.rejections = [];
  }

  /** The failure this request gets, if any; counts it against the first failNext it matches. */
  takeFailure(method: string, path: string): InjectedFailure | undefined {
    if (this.failingUntil && this.clock.now() < this.failingUntil.until) return this.failingUntil;
    const matching = this.pending.find((failure) => matches(failure, method, path));
    if (!matching) return undefined;
    matching.remaining -= 1;
    if (matching.remaining === 0) this.pending = this.pending.filter((failure) => failure !== matching);
    return matching;
  }

  /** Delay before answering, in ms, or 'hang' to never answer. */
  delay(): number | 'hang' {
    const latency = this.latency;
    if (typeof latency === 'number' || latency === 'hang') return latency;
    const [min, max] = latency;
    return min + Math.floor(Math.random() * (max - min + 1));
  }

  rejectionOf(record: BackOfficeRecord, context: { collection: string; key: string }): RejectionStatus | undefined {
    return this.rejections.find((rejection) => rejection.predicate(record, context))?.status;
  }
}

function matches(failure: FailNextOptions, method: string, path: string): boolean {
  if (failure.method && failure.method.toUpperCase() !== method.toUpperCase()) return false;
  if (failure.path === undefined) return true;
  return typeof failure.path === 'string' ? failure.path === path : failure.path.test(path);
}

function requireFailureStatus(status: number): void {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new ConfigError('SIMULATOR_FAULT_INVALID', `a simulated failure needs a 4xx or 5xx status, got ${status}`);
  }
}
