import { systemClock, type Clock } from '../../core/clock.js';
import type { HubConsumer } from './kafka-client.js';

export interface CrashRecovery {
  /** Aborted when the owner stops: no restart after that, and a pending wait ends at once. */
  signal: AbortSignal;
  delayMs: number;
  /** Told first, for status, metrics and the log. */
  noteCrash(error: unknown, delayMs: number): void;
  /** Starts a new consumer in place of the crashed one (and calls `restartAfterCrash` on it). */
  restart(): Promise<void>;
  /** What the delay is waited out on; the system clock unless a test gives its own. */
  clock?: Clock;
}

/**
 * A consumer that crashed (the broker away longer than its retries, a batch that could not be
 * settled) is stopped and, after `delayMs`, replaced by what `restart` starts; nothing was committed
 * past the failure, so the new one resumes where the old one stopped. A restart that fails is
 * waited out and tried again the same way, until the owner stops.
 */
export function restartAfterCrash(consumer: HubConsumer, recovery: CrashRecovery): void {
  consumer.crashed.catch((error: unknown) => recover(consumer, error, recovery));
}

async function recover(crashed: HubConsumer, error: unknown, recovery: CrashRecovery): Promise<void> {
  if (recovery.signal.aborted) return;
  recovery.noteCrash(error, recovery.delayMs);
  await crashed.stop().catch(() => undefined);
  await (recovery.clock ?? systemClock).sleep(recovery.delayMs, recovery.signal);
  if (recovery.signal.aborted) return;
  await recovery.restart().catch((restartError: unknown) => recover(crashed, restartError, recovery));
}
