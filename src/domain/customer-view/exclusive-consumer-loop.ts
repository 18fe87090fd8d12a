import { describeError } from '../../core/hub-error.js';
import type { HubConsumer, KafkaClient, RecordBatch } from '../../platform/kafka/kafka-client.js';
import { restartAfterCrash } from '../../platform/kafka/restart-after-crash.js';
import type { Logger } from '../../platform/observability/logger.js';
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
    const consumer = await this.client.consumer({
      groupId: this.options.groupId,
      topics: this.options.topics,
      fromBeginning: true,
      exclusive: true,
    });
    this.consumer = consumer;
    this.stale = true;
    consumer.onGroupJoin(() => {
      this.stale = true;
    });
    restartAfterCrash(consumer, {
      signal: this.stopSignal.signal,
      delayMs: this.options.restartDelayMs,
      noteCrash: (error, delay) => {
        const { message } = describeError(error);
        this.status.lastError = { message, at: new Date().toISOString() };
        this.status.state = 'restarting';
        this.logger.error(`${this.options.name} stopped, restarting in ${delay} ms: ${message}`);
      },
      restart: () => this.start(),
    });
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
    this.stopSignal.abort();
    this.status.state = 'stopped';
    await this.consumer?.stop();
  }
}
