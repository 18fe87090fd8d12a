import cron, { type ScheduledTask } from 'node-cron';
import type { ConnectorInstanceConfig } from './connector-instance-config.js';
import type { SourceConnector, SourcePosition } from '../sdk/connector-definition.js';
import { ConfigError } from '../../core/hub-error.js';
import type { Logger } from '../../platform/observability/logger.js';
import { NO_METRICS, type ComponentMetrics } from '../../platform/observability/metrics/component-metrics.js';
import type { StateStore } from '../../platform/state/state-store.js';
import type { InstanceStatus } from './instance-status.js';
import { RetryPolicy } from '../../platform/retry/retry-policy.js';
import { retrying, StoppingError } from '../../platform/retry/retrying.js';
import type { SourceRecordPublisher } from './source-record-publisher.js';

/**
 * Drives a pull source: on its cron schedule (never overlapping itself) it polls from the last
 * stored position, publishes what came back, and only after the broker acknowledged every record
 * stores the new position. A crash between the two means the batch is produced again after a
 * restart: at least once, never a gap.
 */
export class PollingSource {
  private task: ScheduledTask | undefined;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private paused = false;

  constructor(
    private readonly instance: ConnectorInstanceConfig,
    private readonly connector: SourceConnector & Required<Pick<SourceConnector, 'poll'>>,
    private readonly publisher: SourceRecordPublisher,
    private readonly positions: StateStore<SourcePosition>,
    private readonly status: InstanceStatus,
    private readonly logger: Logger,
    private readonly metrics: ComponentMetrics = NO_METRICS,
  ) {}

  start(): void {
    const schedule = this.instance.schedule;
    if (!schedule)
      throw new ConfigError('SCHEDULE_MISSING', `connectors.${this.instance.name}.schedule: a polling source needs a cron schedule`);
    this.task = cron.schedule(schedule, () => this.pollNow(), { name: `source:${this.instance.name}`, noOverlap: true });
    void this.pollNow();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    void this.pollNow();
  }

  /** Polls until the system has nothing more right now; a call while one runs joins it. */
  pollNow(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pollUntilCaughtUp().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.abort.abort();
    await this.running;
  }

  private async pollUntilCaughtUp(): Promise<void> {
    const policy = new RetryPolicy(this.instance.retry);
    const signal = this.abort.signal;
    try {
      for (;;) {
        if (this.paused || signal.aborted) return;
        const settled = this.metrics.startBatch();
        const position = this.positions.get(this.instance.name);
        const result = await retrying(policy, () => this.connector.poll(position, signal), {
          signal,
          onRetry: (error, attempt, delay) => this.logRetry('poll', error, attempt, delay),
        });
        const outcome = await retrying(policy, () => this.publisher.publish(result.records), {
          signal,
          onRetry: (error, attempt, delay) => this.logRetry('publish', error, attempt, delay),
        });
        await retrying(policy, () => this.positions.put(this.instance.name, result.position), { signal });
        this.status.counters.recordsIn += result.records.length;
        this.status.counters.recordsOut += outcome.produced;
        this.status.counters.deadLettered += outcome.deadLettered;
        this.metrics.recordsIn(result.records.length);
        this.metrics.recordsOut(outcome.produced);
        this.metrics.deadLettered(outcome.deadLettered);
        // Empty rounds come every schedule tick and would drown the rounds that did work.
        if (result.records.length > 0) settled();
        if (this.status.state !== 'paused') this.status.state = 'running';
        if (!result.more || result.records.length === 0) return;
      }
    } catch (error) {
      if (error instanceof StoppingError) return;
      this.status.recordError(error, { fail: true });
      this.metrics.error(error);
      this.logger.error(
        `source ${this.instance.name}: poll failed, next try on schedule: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private logRetry(what: string, error: unknown, attempt: number, delayMs: number): void {
    this.status.recordError(error);
    this.metrics.error(error);
    this.logger.warn(
      `source ${this.instance.name}: ${what} attempt ${attempt} failed, retrying in ${delayMs} ms: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
