import { describeError } from '../errors/hub-error.js';
import { sleep } from '../runtime/retry-policy.js';
import type { HubConsumer, KafkaClient, RecordBatch } from '../kafka/kafka-client.js';
import type { Logger } from '../observability/logger.js';
import { newProcessorStatus, type ProcessorStatus } from './processor-status.js';

export interface ExclusiveWork {
  /** Rebuilds the in-memory state from Kafka; runs before the first batch after every (re)join. */
  reload(): Promise<void>;
  /** Handles one batch; resolves once its outputs are acknowledged, and only then are offsets committed. */
  process(batch: RecordBatch, status: ProcessorStatus): Promise<void>;
}

/**
 * Runs a stateful processor as one active member of a consumer group with every other hub process
 * standing by (exclusive assignment). Its state lives in Kafka: after each join the state is read
 * back before any batch is handled, so a process taking over continues exactly where the other
 * one's acknowledged writes ended. A failing batch is not committed: the loop restarts and the
 * batch is handled again against reloaded state.
 */
export class ExclusiveConsumerLoop {
  readonly status: ProcessorStatus;
  private consumer: HubConsumer | undefined;
  private stale = true;
  private stopped = false;
  private readonly stopSignal = new AbortController();

  constructor(
    private readonly options: { name: string; groupId: string; topics: string[]; restartDelayMs: number },
    private readonly work: ExclusiveWork,
    private readonly client: KafkaClient,
    private readonly logger: Logger,
  ) {
    this.status = newProcessorStatus(options.name);
  }

  async start(): Promise<void> {
    this.status.state = 'standby';
    const consumer = await this.client.consumer({ groupId: this.options.groupId, topics: this.options.topics, fromBeginning: true, exclusive: true });
    this.consumer = consumer;
    this.stale = true;
    consumer.onGroupJoin(() => {
      this.stale = true;
    });
    consumer.crashed.catch((error: unknown) => this.recover(consumer, error));
    await consumer.run(async (batch) => {
      if (this.stale) {
        await this.work.reload();
        this.stale = false;
        this.status.state = 'active';
      }
      await this.work.process(batch, this.status);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopSignal.abort();
    this.status.state = 'stopped';
    await this.consumer?.stop();
  }

  private async recover(crashed: HubConsumer, error: unknown): Promise<void> {
    if (this.stopped) return;
    const { message } = describeError(error);
    this.status.lastError = { message, at: new Date().toISOString() };
    this.status.state = 'restarting';
    this.logger.error(`${this.options.name} stopped, restarting in ${this.options.restartDelayMs} ms: ${message}`);
    await crashed.stop().catch(() => undefined);
    await sleep(this.options.restartDelayMs, this.stopSignal.signal);
    if (this.stopped) return;
    await this.start().catch((restartError: unknown) => this.recover(crashed, restartError));
  }
}
