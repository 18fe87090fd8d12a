import type { AvroSerde } from '../avro/avro-serde.js';
import { RecordDecodeError } from '../avro/record-decode-error.js';
import { valueSubject } from '../avro/canonical-schema-registration.js';
import type { SchemaCatalog } from '../avro/schema-catalog.js';
import { HubError, describeError } from '../errors/hub-error.js';
import type { HubConsumer, HubProducer, IncomingRecord, KafkaClient, OutgoingRecord, RecordBatch } from '../kafka/kafka-client.js';
import type { Logger } from '../observability/logger.js';
import { NO_METRICS, type ComponentMetrics } from '../observability/metrics/component-metrics.js';
import { eventOccurredAt } from '../observability/metrics/event-age.js';
import { connectorInputTopic } from '../runtime/connector-input-topic.js';
import { DeadLetterPublisher, type DeadLetter } from '../runtime/dead-letter-publisher.js';
import { derivedTracingHeaders, withTracingHeaders } from '../runtime/record-headers.js';
import { RetryPolicy, sleep } from '../runtime/retry-policy.js';
import { retrying, StoppingError } from '../runtime/retrying.js';
import { FlowStepError, type CompiledFlow, type FlowOutput } from './compiled-flow.js';
import type { FlowDestination, FlowMessage } from './flow-message.js';
import { FlowStateJournal } from './flow-state-journal.js';


export interface FlowCounters {
  recordsIn: number;
  recordsOut: number;
  deadLettered: number;
  failures: number;
  lastError?: { code: string; message: string; at: string };
}

/**
 * Runs one compiled flow as a Kafka consumer group (`crm-hub.flow.<name>`): partitions in
 * parallel, messages of a partition in order. For each batch every message is processed, its
 * outputs encoded and produced (and failures dead-lettered) before the offset is committed: at
 * least once, and a bad message never stops the ones behind it.
 */
export class FlowRunner {
  private consumer: HubConsumer | undefined;
  paused = false;
  private readonly abort = new AbortController();
  private readonly policy: RetryPolicy;
  private readonly deadLetters: DeadLetterPublisher;
  readonly counters: FlowCounters = { recordsIn: 0, recordsOut: 0, deadLettered: 0, failures: 0 };

  constructor(
    readonly flow: CompiledFlow,
    private readonly client: KafkaClient,
    private readonly producer: HubProducer,
    private readonly serde: AvroSerde,
    private readonly schemas: SchemaCatalog,
    private readonly logger: Logger,
    private readonly metrics: ComponentMetrics = NO_METRICS,
  ) {
    this.policy = new RetryPolicy(flow.errors.retry);
    this.deadLetters = new DeadLetterPublisher(producer, flow.errors.deadLetterTopic, `flow:${flow.name}`);
  }

  get groupId(): string {
    return `crm-hub.flow.${this.flow.name}`;
  }

  async start(): Promise<void> {
    const admin = await this.client.admin();
    await admin.ensureTopics([...this.flow.from, this.flow.errors.deadLetterTopic].map((topic) => ({ topic }))).finally(() => admin.disconnect());
    const consumer = await this.client.consumer({ groupId: this.groupId, topics: this.flow.from, fromBeginning: true, partitionsConsumedConcurrently: this.flow.concurrency });
    this.consumer = consumer;
    consumer.crashed.catch((error: unknown) => this.recover(consumer, error));
    await consumer.run((batch) => this.handleBatch(batch));
    // A restart after a crash keeps an operator's pause.
    if (this.paused) consumer.pause();
  }

  /** Stops taking messages (the group keeps its partitions, so nobody else takes them either); in-flight batches finish. */
  pause(): void {
    this.paused = true;
    this.consumer?.pause();
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.consumer?.stop();
    await this.flow.close();
  }

  private async recover(crashed: HubConsumer, error: unknown): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.noteError(error);
    this.logger.error(`flow ${this.flow.name} stopped consuming, restarting in ${this.policy.settings.maxDelayMs} ms: ${describeError(error).message}`);
    await crashed.stop().catch(() => undefined);
    await sleep(this.policy.settings.maxDelayMs, this.abort.signal);
    if (this.abort.signal.aborted) return;
    await this.start().catch((restartError: unknown) => this.recover(crashed, restartError));
  }

  /** Each batch has its own state journal: nothing of a batch that fails reaches the durable state. */
  private handleBatch(batch: RecordBatch): Promise<void> {
    const journal = new FlowStateJournal();
    return FlowStateJournal.within(journal, () => this.processBatch(batch, journal));
  }

  private async processBatch(batch: RecordBatch, journal: FlowStateJournal): Promise<void> {
    const settled = this.metrics.startBatch();
    this.metrics.recordsIn(batch.records.length);
    const outputs = new Map<string, OutgoingRecord[]>();
    const dead: DeadLetter[] = [];
    let produced = 0;
    // When the events behind the messages that had outputs happened, for the end-to-end latency once those are acknowledged.
    const occurredAt: number[] = [];
    for (const record of batch.records) {
      this.counters.recordsIn++;
      const signal = this.abort.signal;
      const mark = journal.mark();
      try {
        const message = await retrying(this.policy, signal, () => this.toMessage(record));
        const results = await retrying(this.policy, signal, () => {
          journal.rollback(mark); // a retry starts from the state the message first saw
          return this.flow.process(message);
        }, (error, attempt, delay) => {
          this.noteError(error);
          this.logger.warn(`flow ${this.flow.name}: ${describeError(error).message} (attempt ${attempt}, retrying in ${delay} ms)`);
        });
        const encoded = await retrying(this.policy, signal, () => Promise.all(results.map((output) => this.encode(output))));
        for (const { topic, record: out } of encoded) outputs.set(topic, [...(outputs.get(topic) ?? []), out]);
        this.counters.recordsOut += encoded.length;
        produced += encoded.length;
        const at = encoded.length > 0 ? eventOccurredAt(message.value) : undefined;
        if (at !== undefined) occurredAt.push(at);
      } catch (error) {
        journal.rollback(mark);
        // Stopping, or infrastructure (registry, broker) still away after the retries: leave the batch
        // uncommitted so it is redelivered. A step that keeps failing dead-letters its message instead.
        if (error instanceof StoppingError || (error instanceof HubError && error.retriable && !(error instanceof FlowStepError))) throw error;
        this.noteError(error);
        dead.push({ ...DeadLetterPublisher.fromRecord(record, error, 1), headers: { ...record.headers, 'dlq-flow-step': error instanceof FlowStepError ? error.step : stageOf(error) } });
      }
    }
    await this.deadLetters.publish(dead);
    this.counters.deadLettered += dead.length;
    this.metrics.deadLettered(dead.length);
    // Order within each output topic follows processing order, so per-key order carries through.
    for (const [topic, records] of outputs) await this.producer.send(topic, records);
    const acknowledgedAt = Date.now();
    this.metrics.recordsOut(produced);
    for (const at of occurredAt) this.metrics.acknowledged(at, acknowledgedAt);
    await journal.flush();
    settled();
  }

  private async toMessage(record: IncomingRecord): Promise<FlowMessage> {
    const decoded = await this.serde.decode(record.value, record);
    return { key: record.key?.toString() ?? null, value: decoded.value as Record<string, unknown>, headers: record.headers, topic: record.topic, schemaName: decoded.schemaName };
  }

  private async encode(output: FlowOutput): Promise<{ topic: string; record: OutgoingRecord }> {
    const topic = destinationTopic(output.destination);
    const schemaName = ('schema' in output.destination ? output.destination.schema : undefined) ?? (this.schemas.topics().find((t) => t.topic === topic)?.record) ?? output.message.schemaName;
    if (!schemaName) throw new HubError('FLOW_OUTPUT_SCHEMA_UNKNOWN', `flow ${this.flow.name}: no schema for output topic ${topic}; name one with to.schema`);
    try {
      const value = await this.serde.encode(valueSubject(topic), this.schemas.registrySchema(schemaName), output.message.value);
      // Tracing: the output keeps its input's correlation id and trace, in a span of this flow's own.
      const headers = withTracingHeaders(output.message.value, { ...output.message.headers, ...derivedTracingHeaders(output.message.headers, `flow:${this.flow.name}`) }, 'crm-hub');
      return { topic, record: { key: output.message.key, value, headers } };
    } catch (error) {
      if (error instanceof HubError && error.retriable) throw error;
      throw new FlowStepError(this.flow.name, `to ${topic}`, error);
    }
  }

  private noteError(error: unknown): void {
    const { code, message } = describeError(error);
    this.counters.failures++;
    this.metrics.error(error);
    this.counters.lastError = { code, message, at: new Date().toISOString() };
  }
}

function destinationTopic(destination: FlowDestination): string {
  return 'topic' in destination ? destination.topic : connectorInputTopic(destination.connector);
}

function stageOf(error: unknown): string {
  return error instanceof RecordDecodeError ? 'decode' : 'flow';
}
