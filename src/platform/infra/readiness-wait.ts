import type { Clock } from '../../core/clock.js';
import { NO_JITTER, RetryPolicy } from '../retry/retry-policy.js';
import { retrying } from '../retry/retrying.js';
import { InfrastructureError } from './infrastructure-error.js';

export interface ReadinessOptions {
  timeoutMs: number;
  /** False once the service's own process died: then there is nothing left to wait for. */
  isAlive?: () => boolean;
  /** Appended to the error: what to check, or the service's log tail. */
  describe?: () => string;
  clock?: Clock;
}

const POLL_EVERY_500_MS = new RetryPolicy({ attempts: Infinity, initialDelayMs: 500, maxDelayMs: 500, multiplier: 1 }, NO_JITTER);

/**
 * A port that accepts connections is not a service that serves: ready means `probe`, a real request
 * to the service, succeeded. It is tried every 500 ms until it does, `timeoutMs` has passed or the
 * service's process died; then the error, with `code`, says `what` did not happen in time and why
 * the last try failed.
 */
export async function waitUntilReady(
  probe: () => Promise<void>,
  failure: { code: string; what: string },
  options: ReadinessOptions,
): Promise<void> {
  try {
    await retrying(POLL_EVERY_500_MS, probe, {
      timeoutMs: options.timeoutMs,
      // Whatever the probe met (refused, reset, an error answer) may pass while the service starts.
      retriable: () => options.isAlive?.() ?? true,
      clock: options.clock,
    });
  } catch (lastError) {
    const why = lastError instanceof Error ? lastError.message : 'no answer';
    throw new InfrastructureError(
      failure.code,
      `${failure.what} within ${Math.round(options.timeoutMs / 1000)} s (last error: ${why})${options.describe ? `. ${options.describe()}` : ''}`,
      { retriable: true, cause: lastError },
    );
  }
}
