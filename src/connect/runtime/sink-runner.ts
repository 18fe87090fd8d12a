import { AvroSerde } from '../../platform/avro/avro-serde.js';
import type { ConnectorInstanceConfig } from './connector-instance-config.js';
import type { DeliveryOutcome, SinkConnector, SinkRecord, SourceRecord } from '../sdk/connector-definition.js';
import type { SourceRecordPublisher } from './source-record-publisher.js';
import { describeError, HubError } from '../../core/hub-error.js';
import type { HubConsumer, IncomingRecord, KafkaClient, RecordBatch } from '../../platform/kafka/kafka-client.js';
import { restartAfterCrash } from '../../platform/kafka/restart-after-crash.js';
import type { Logger } from '../../platform/observability/logger.js';
import { NO_METRICS, type ComponentMetrics } from '../../platform/observability/metrics/component-metrics.js';
import { eventOccurredAt } from '../../platform/observability/metrics/event-age.js';
import { DeadLetterPublisher } from './dead-letter-publisher.js';
import { DeliveryError } from '../sdk/delivery-error.js';
import type { InstanceStatus } from './instance-status.js';
import { keyOrderedChunks } from './key-ordered-chunks.js';
import { RateLimiter } from './rate-limiter.js';
import { derivedTracingHeaders } from '../../platform/headers/record-headers.js';
import { sleep } from '../../core/sleep.js';
import { RetryPolicy } from '../../platform/retry/retry-policy.js';
import { retrying, StoppingError } from '../../platform/retry/retrying.js';

interface Pending {
  incoming: IncomingRecord;
  record: SinkRecord;
  attempts: number;
  lastError?: unknown;
}

/**
 * Hosts a sink instance as a Kafka consumer group (`crm-hub.sink.<instance>`). Each fetched batch
 * is decoded, delivered in key-ordered chunks with retries, and what cannot be delivered is
 * dead-lettered; only when every record of the batch is settled one way or the other is its offset
 * committed. Run more hub processes and the partitions spread across them.
 */
export class SinkRunner {
  private consumer: HubConsumer | undefined;
  private readonly abort = new AbortController();
  private readonly policy: RetryPolicy;
  private readonly limiter: RateLimiter | undefined;

  constructor(
    private readonly instance: ConnectorInstanceConfig,
    private readonly topics: string[],
    private readonly connector: SinkConnector,
    private readonly client: KafkaClient,
    private readonly serde: AvroSerde,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly status: InstanceStatus,
    private readonly logger: Logger,
    /** Publishes records that deliveries bring back; absent for sinks that bring none. */
    private readonly replies?: SourceRecordPublisher,
    private readonly metrics: ComponentMetrics = NO_METRICS,
  ) {
    this.policy = new RetryPolicy(instance.retry);
    this.limiter = instance.ratePerSecond ? new RateLimiter(instance.ratePerSecond) : undefined;
  }

  private paused = false;

  get groupId(): string {
    return `crm-hub.sink.${this.instance.name}`;
  }

  async start(): Promise<void> {
    const consumer = await this.client.consumer({
      groupId: this.groupId,
      topics: this.topics,
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
    });
    this.consumer = consumer;
    restartAfterCrash(consumer, {
      signal: this.abort.signal,
      delayMs: this.instance.retry.maxDelayMs,
      noteCrash: (error, delay) => {
        this.status.recordError(error, { fail: true });
        this.metrics.error(error);
        this.logger.error(`sink ${this.instance.name} stopped consuming, restarting in ${delay} ms: ${describeError(error).message}`);
      },
      restart: () => this.start(),
    });
    await consumer.run((batch) => this.handleBatch(batch));
    // A restart after a crash keeps an operator's pause.
    if (this.paused) {
      consumer.pause();
      this.status.state = 'paused';
    } else {
      this.status.state = 'running';
    }
  }

  pause(): void {
    this.paused = true;
    this.consumer?.pause();
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume();
  }

  async stop(): Promise<void> {
    // Aborting cuts backoff waits short; the batch in hand then fails without a commit and is redelivered later.
    this.abort.abort();
    await this.consumer?.stop();
  }

  private async handleBatch(batch: RecordBatch): Promise<void> {
    const settled = this.metrics.startBatch();
    const pending: Pending[] = [];
    const undecodable = [];
    for (const incoming of batch.records) {
      try {
        // Registry lookups that fail for a while are waited out here rather than failing the batch.
        const decoded = await retrying(this.policy, () => this.serde.decode(incoming.value, incoming), { signal: this.abort.signal });
        pending.push({
          incoming,
          attempts: 0,
          record: {
            topic: incoming.topic,
            partition: incoming.partition,
            offset: incoming.offset,
            key: incoming.key?.toString() ?? null,
            value: decoded.value as Record<string, unknown>,
            schemaName: decoded.schemaName,
            headers: incoming.headers,
          },
        });
      } catch (error) {
        if (error instanceof HubError && error.retriable) throw error; // registry away: do not commit, try again later
        undecodable.push(DeadLetterPublisher.fromRecord(incoming, error, 1));
      }
    }
    this.status.counters.recordsIn += batch.records.length;
    this.metrics.recordsIn(batch.records.length);
    await this.deadLetters.publish(undecodable);
    this.status.counters.deadLettered += undecodable.length;
    this.metrics.deadLettered(undecodable.length);
    for (const letter of undecodable) this.metrics.error(letter.error);

    const lanes = keyOrderedChunks(
      pending,
      (p) => p.record.key ?? `${p.incoming.partition}@${p.incoming.offset}`,
      this.instance.concurrency,
      this.instance.batchSize,
    );
    await Promise.all(
      lanes.map(async (chunks) => {
        for (const chunk of chunks) await this.deliverChunk(chunk);
      }),
    );
    settled();
  }

  private async deliverChunk(chunk: Pending[]): Promise<void> {
    let remaining = chunk;
    const signal = this.abort.signal;
    while (remaining.length > 0) {
      // Stopping drains: the batch in hand is still delivered; only a retry wait is given up (below).
      await this.limiter?.acquire(remaining.length, signal);
      const outcomes = await this.deliverOnce(
        remaining.map((p) => p.record),
        signal,
      );
      const retry: Pending[] = [];
      const dead: Pending[] = [];
      const replies: SourceRecord[] = [];
      const deliveredAt = Date.now();
      let delivered = 0;
      remaining.forEach((pending, index) => {
        pending.attempts++;
        const outcome = outcomes[index]!;
        if (outcome.ok) {
          this.status.counters.recordsOut++;
          delivered++;
          this.metrics.acknowledged(eventOccurredAt(pending.record.value), deliveredAt);
          // Tracing: what a delivery brought back continues the delivered record's correlation id and trace.
          if (outcome.records?.length)
            replies.push(
              ...outcome.records.map((reply) => ({
                ...reply,
                headers: { ...derivedTracingHeaders(pending.incoming.headers, `sink:${this.instance.name}`), ...reply.headers },
              })),
            );
          return;
        }
        pending.lastError = outcome.error;
        this.metrics.error(outcome.error);
        const retriable = outcome.error instanceof HubError ? outcome.error.retriable : false;
        (retriable && this.policy.canRetry(pending.attempts) ? retry : dead).push(pending);
      });
      this.metrics.recordsOut(delivered);
      // What the target system answered (e.g. its own ids) is on Kafka before the offset can be committed.
      if (replies.length > 0 && this.replies) await retrying(this.policy, () => this.replies!.publish(replies), { signal });
      if (dead.length > 0) {
        await this.deadLetters.publish(dead.map((p) => DeadLetterPublisher.fromRecord(p.incoming, p.lastError, p.attempts)));
        this.status.counters.deadLettered += dead.length;
        this.metrics.deadLettered(dead.length);
        for (const p of dead) this.status.recordError(p.lastError);
      }
      if (retry.length > 0) {
        const retryAfter = Math.max(
          -1,
          ...retry.map((p) => (p.lastError instanceof DeliveryError ? (p.lastError.retryAfterMs ?? -1) : -1)),
        );
        const delay = this.policy.delayMs(retry[0]!.attempts, retryAfter >= 0 ? retryAfter : undefined);
        this.status.recordError(retry[0]!.lastError);
        this.logger.warn(
          `sink ${this.instance.name}: ${retry.length} record(s) failed (attempt ${retry[0]!.attempts}), retrying in ${delay} ms: ${describeError(retry[0]!.lastError).message}`,
        );
        await sleep(delay, signal);
        if (signal.aborted) throw new StoppingError(); // not committed: redelivered after the restart
      }
      remaining = retry;
    }
  }

  /** One call to the connector; a throw or a wrong-length answer counts as a failure of every record. */
  private async deliverOnce(records: SinkRecord[], signal: AbortSignal): Promise<DeliveryOutcome[]> {
    try {
      const outcomes = await this.connector.deliver(records, signal);
      if (outcomes.length !== records.length) {
        const error = new HubError(
          'SINK_CONTRACT_BROKEN',
          `${this.instance.connector}.deliver answered ${outcomes.length} outcomes for ${records.length} records`,
        );
        return records.map(() => ({ ok: false, error }));
      }
      return outcomes;
    } catch (error) {
      return records.map(() => ({ ok: false, error: error instanceof Error ? error : new HubError('SINK_FAILED', String(error)) }));
    }
  }
}
