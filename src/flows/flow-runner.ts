import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AvroSerde } from '../platform/avro/avro-serde.js';
import { RecordDecodeError } from '../platform/avro/record-decode-error.js';
import { valueSubject } from '../platform/avro/canonical-schema-registration.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import type { FlowTopic } from './flow-topics.js';
import { HubError, describeError } from '../core/hub-error.js';
import type { HubConsumer, HubProducer, IncomingRecord, KafkaClient, OutgoingRecord, RecordBatch } from '../platform/kafka/kafka-client.js';
import { restartAfterCrash } from '../platform/kafka/restart-after-crash.js';
import type { Logger } from '../platform/observability/logger.js';
import { NO_METRICS, type ComponentMetrics } from '../platform/observability/metrics/component-metrics.js';
import { eventOccurredAt } from '../platform/observability/metrics/event-age.js';
import { connectorInputTopic } from '../connect/runtime/connector-input-topic.js';
import { DeadLetterPublisher, type DeadLetter } from '../connect/runtime/dead-letter-publisher.js';
import { derivedRecordHeaders } from '../platform/headers/record-headers.js';
import { RetryPolicy } from '../platform/retry/retry-policy.js';
import { StoppingError } from '../platform/retry/retrying.js';
import { FlowStepError, type CompiledFlow, type FlowOutput } from './compiled-flow.js';
import { CRASHES_BEFORE_DEAD_LETTER, FlowCrashedError, FlowInFlightLog, type InFlightRecords } from './flow-in-flight-log.js';
import type { FlowDestination, FlowMessage } from './flow-message.js';
import type { FlowStateJournal } from './state/flow-state-journal.js';
import type { PartitionedChangelogStore } from '../platform/state/partitioned-changelog-store.js';
import { fromRepartitioned, isRepartitionTopic, originalTopicOf, sourceOf, withSource } from './repartition.js';
import type { RecordSource } from './state/flow-state.js';
import { retryingNow } from './retrying-now.js';
import { allReady, whenReady, type MaybePromise } from '../core/maybe-promise.js';

/**
 * The largest output record produced: a margin below the broker's default limit of 1 MiB for a
 * whole record batch. A larger one would make the broker refuse the batch on every redelivery, and
 * the flow would stop there; refused here, it is dead-lettered alone and the flow goes on.
 */
const MAX_RECORD_BYTES = 1_000_000;

/** Tells a consumer of a JSON topic (and the dead-letter browser) what the bytes are; Avro's wire format says so itself. */
const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * The longest a batch holds the event loop before it lets timers and I/O (`/health`, other flows,
 * connectors) have a turn. A message whose expressions run asynchronously only ever waits on
 * promises that are already resolved, which would otherwise starve everything else.
 */
const MAX_TURN_MS = 50;

/** One output of a message, encoded for its topic. */
interface EncodedOutput {
  topic: string;
  record: OutgoingRecord;
}

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
 *
 * A message goes through decoding, the steps and encoding synchronously whenever it can (schemas
 * known, steps synchronous): the batch then only waits for the producer, not for the microtask
 * queue several times per message.
 */
export class FlowRunner {
  private consumer: HubConsumer | undefined;
  paused = false;
  private readonly abort = new AbortController();
  private readonly policy: RetryPolicy;
  private readonly deadLetters: DeadLetterPublisher;
  readonly counters: FlowCounters = { recordsIn: 0, recordsOut: 0, deadLettered: 0, failures: 0 };
  private readonly stage: string;
  private readonly canonicalTopics = new Map<string, FlowTopic | undefined>();
  private readonly noteStepRetry = (error: unknown, attempt: number, delay: number): void => {
    this.noteError(error);
    this.logger.warn(`flow ${this.flow.name}: ${describeError(error).message} (attempt ${attempt}, retrying in ${delay} ms)`);
  };

  constructor(
    readonly flow: CompiledFlow,
    private readonly client: KafkaClient,
    private readonly producer: HubProducer,
    private readonly serde: AvroSerde,
    private readonly schemas: SchemaCatalog,
    private readonly logger: Logger,
    private readonly metrics: ComponentMetrics = NO_METRICS,
    /** Where the records in flight are noted, so that one that crashes the process twice is dead-lettered (FLOW_CRASHED); none: not noted. */
    private readonly inFlight?: FlowInFlightLog,
    /** A stateful stage's changelog (its `flow.state` is attached to it): follows the consumer's assignment. */
    private readonly changelog?: PartitionedChangelogStore<unknown>,
    /** The longest a stateful stage waits before it looks again for timers due on its idle partitions (wall clock). */
    private readonly timerTickMs = 1000,
  ) {
    this.policy = new RetryPolicy(flow.errors.retry);
    this.stage = `flow:${flow.name}`;
    this.deadLetters = new DeadLetterPublisher(producer, flow.errors.deadLetterTopic, this.stage);
  }

  get groupId(): string {
    return this.flow.stageName ? `crm-hub.flow.${this.flow.name}.${this.flow.stageName}` : `crm-hub.flow.${this.flow.name}`;
  }

  async start(): Promise<void> {
    const admin = await this.client.admin();
    // The broker creates no topic on its own: every topic the flow reads or writes is made here.
    const topics = new Set([...this.flow.from, ...(this.flow.outputTopics ?? []), this.flow.errors.deadLetterTopic]);
    await admin.ensureTopics([...topics].map((topic) => ({ topic }))).finally(() => admin.disconnect());
    const consumer = await this.client.consumer({
      groupId: this.groupId,
      topics: this.flow.from,
      fromBeginning: true,
      partitionsConsumedConcurrently: this.flow.concurrency,
    });
    this.consumer = consumer;
    // Before the first batch: a partition's state is read back as soon as the group gives it.
    this.changelog?.follow(consumer, this.flow.from[0]!);
    this.startTimerTicks();
    restartAfterCrash(consumer, {
      signal: this.abort.signal,
      delayMs: this.policy.settings.maxDelayMs,
      noteCrash: (error, delay) => {
        this.noteError(error);
        this.logger.error(`flow ${this.flow.name} stopped consuming, restarting in ${delay} ms: ${describeError(error).message}`);
      },
      restart: () => this.start(),
    });
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
    if (this.ticker) clearTimeout(this.ticker);
    await this.ticking;
    await this.consumer?.stop();
    await this.flow.close();
  }

  /**
   * Each batch has its own state journal: nothing of a batch that fails reaches the durable state.
   * Steps find it through AsyncLocalStorage, which only flows with state need.
   */
  private async handleBatch(batch: RecordBatch): Promise<void> {
    const state = this.flow.state;
    if (!state) return this.processBatch(batch, undefined);
    await state.restored(batch.partition);
    return state.exclusive(batch.partition, batch.topic, (journal) => this.processBatch(batch, journal));
  }

  private ticker: NodeJS.Timeout | undefined;
  /** A timer run in progress, which `stop` waits for (its outputs use the shared producer). */
  private ticking: Promise<void> | undefined;

  /**
   * A quiet partition's watermark moves on with the wall clock (see partition-watermarks.ts): the
   * timers due on each held partition fire in turn with its batches, at the moment its watermark
   * reaches the earliest of them (looked at again at least every `timerTickMs`, as a batch may have
   * scheduled an earlier one).
   */
  private startTimerTicks(): void {
    const state = this.flow.state;
    if (!state || !this.flow.fireTimers || this.ticker || this.abort.signal.aborted) return;
    const now = Date.now();
    let soonest = now + this.timerTickMs;
    for (const partition of state.assigned) {
      const due = state.wallTimeDue(partition);
      if (due !== undefined && due < soonest) soonest = due;
    }
    this.ticker = setTimeout(
      () => {
        this.ticker = undefined;
        if (this.paused) return this.startTimerTicks();
        this.ticking = this.fireIdleTimers()
          .catch((error: unknown) => {
            this.noteError(error);
            this.logger.error(`flow ${this.flow.name}: firing timers failed: ${describeError(error).message}`);
          })
          .finally(() => {
            this.ticking = undefined;
            this.startTimerTicks();
          });
      },
      // Not sooner than 10 ms: a timer due now that cannot fire yet (its partition busy) must not spin.
      Math.max(10, soonest - now),
    );
    this.ticker.unref();
  }

  private async fireIdleTimers(): Promise<void> {
    const state = this.flow.state!;
    for (const partition of state.assigned) {
      const next = state.nextDue(partition);
      const watermark = state.watermark(partition);
      if (next === undefined || watermark === undefined || next > watermark) continue;
      await state.restored(partition);
      await state.exclusive(partition, undefined, async (journal) => {
        const outputs = new Map<string, OutgoingRecord[]>();
        const dead: DeadLetter[] = [];
        const produced = await this.fireTimers(partition, outputs, dead);
        await this.deadLetters.publish(dead);
        this.counters.deadLettered += dead.length;
        for (const [topic, records] of outputs) await this.producer.send(topic, records);
        this.metrics.recordsOut(produced);
        await state.flush(journal);
      });
    }
  }

  /** The timers due on `partition`, their outputs encoded into `outputs`, failures into `dead`; resolves with the outputs' count. */
  private async fireTimers(partition: number, outputs: Map<string, OutgoingRecord[]>, dead: DeadLetter[]): Promise<number> {
    if (!this.flow.fireTimers) return 0;
    const run = await this.flow.fireTimers();
    const failed = [...run.failed];
    let produced = 0;
    for (const output of run.outputs) {
      try {
        const encoded = await this.encodeAll([output], undefined);
        for (const { topic, record } of encoded) {
          pushTo(outputs, topic, record);
          if (!isRepartitionTopic(topic)) this.counters.recordsOut++;
        }
        produced += encoded.length;
      } catch (error) {
        if (error instanceof HubError && error.retriable && !(error instanceof FlowStepError)) throw error;
        failed.push({ timer: { id: output.message.key ?? '', dueAt: 0, payload: output.message.value, watermark: 0 }, error });
      }
    }
    for (const { timer, error } of failed) {
      this.noteError(error);
      const record: IncomingRecord = {
        topic: this.flow.from[0]!,
        partition,
        offset: '-1',
        key: Buffer.from(timer.id),
        value: Buffer.from(JSON.stringify({ timer: timer.id, dueAt: timer.dueAt, payload: timer.payload })),
        headers: { 'crm-hub-timer': timer.id },
        timestamp: String(Date.now()),
      };
      dead.push({
        ...DeadLetterPublisher.fromRecord(record, error, 1),
        headers: { ...record.headers, 'dlq-flow-step': error instanceof FlowStepError ? error.step : 'flow' },
      });
    }
    return produced;
  }

  private async processBatch(batch: RecordBatch, journal: FlowStateJournal | undefined): Promise<void> {
    const state = this.flow.state;
    const settled = this.metrics.startBatch();
    this.metrics.recordsIn(batch.records.length);
    const outputs = new Map<string, OutgoingRecord[]>();
    const dead: DeadLetter[] = [];
    let produced = 0;
    // When the events behind the messages that had outputs happened, for the end-to-end latency once those are acknowledged.
    const occurredAt: number[] = [];
    const crashed = this.noteInFlight(batch);
    let turnStartedAt = performance.now();
    let giveUpSuspectTurn: (() => void) | undefined;
    try {
      for (const record of batch.records) {
        this.counters.recordsIn++;
        // Read again after a crash, or sent again by the stage before: its state changes are in already.
        const source = state ? sourceOfRecord(record) : undefined;
        if (source && state!.applied(source)) continue;
        if (crashed) {
          const crashes = FlowInFlightLog.crashesOf(crashed, record.offset);
          if (crashes >= CRASHES_BEFORE_DEAD_LETTER) {
            const error = new FlowCrashedError(this.flow.name, crashes);
            this.noteError(error);
            this.logger.error(
              `flow ${this.flow.name}: ${record.topic}/${record.partition}@${record.offset} was being processed each of the ${crashes} times the hub died; dead-lettered (FLOW_CRASHED)`,
            );
            dead.push({
              ...DeadLetterPublisher.fromRecord(record, error, crashes),
              headers: { ...record.headers, 'dlq-flow-step': 'flow' },
            });
            continue;
          }
          // Record by record, one suspect in the process at a time, so that a further crash names the record that caused it.
          giveUpSuspectTurn = await this.inFlight?.takeSuspectTurn();
          this.inFlight?.begin(batch.topic, batch.partition, record.offset, record.offset, crashes);
        }
        // Event time is kept per topic the record was first read from: each side of a join has its own watermark.
        if (journal) journal.topic = originalTopicOf(record);
        const mark = journal?.mark() ?? 0;
        try {
          const done = this.processRecord(record, journal, mark);
          const { message, encoded } = done instanceof Promise ? await done : done;
          for (const { topic, record: out } of encoded) {
            pushTo(outputs, topic, out);
            // Handed to the flow's next stage is not out of the flow yet.
            if (!isRepartitionTopic(topic)) this.counters.recordsOut++;
          }
          produced += encoded.length;
          const at = encoded.length > 0 ? eventOccurredAt(message.value) : undefined;
          if (at !== undefined) occurredAt.push(at);
        } catch (error) {
          journal?.rollback(mark);
          // Stopping, or infrastructure (registry, broker) still away after the retries: leave the batch
          // uncommitted so it is redelivered. A step that keeps failing dead-letters its message instead.
          if (error instanceof StoppingError || (error instanceof HubError && error.retriable && !(error instanceof FlowStepError)))
            throw error;
          this.noteError(error);
          dead.push({
            ...DeadLetterPublisher.fromRecord(record, error, 1),
            headers: { ...record.headers, 'dlq-flow-step': error instanceof FlowStepError ? error.step : stageOf(error) },
          });
        }
        if (source) state!.noteApplied(source);
        // Only a record being processed is blamed for a crash: not one that waits its turn while another flow brings the process down.
        if (crashed) {
          this.inFlight?.end(batch.topic, batch.partition);
          giveUpSuspectTurn?.();
          giveUpSuspectTurn = undefined;
        }
        if (performance.now() - turnStartedAt > MAX_TURN_MS) {
          await nextTurn();
          turnStartedAt = performance.now();
        }
      }
    } finally {
      // Processed, failed or given up: these records did not crash the process (producing them cannot).
      this.inFlight?.end(batch.topic, batch.partition);
      giveUpSuspectTurn?.();
    }
    const last = batch.records.at(-1);
    if (crashed && last) this.inFlight?.settle(batch.topic, batch.partition, last.offset);
    // The batch moved the partition's watermark: what it made due fires with the batch's own outputs.
    if (journal) produced += await this.fireTimers(batch.partition, outputs, dead);
    await this.deadLetters.publish(dead);
    this.counters.deadLettered += dead.length;
    this.metrics.deadLettered(dead.length);
    // Order within each output topic follows processing order, so per-key order carries through.
    for (const [topic, records] of outputs) await this.producer.send(topic, records);
    const acknowledgedAt = Date.now();
    this.metrics.recordsOut(produced);
    for (const at of occurredAt) this.metrics.acknowledged(at, acknowledgedAt);
    if (journal) await state!.flush(journal);
    settled();
  }

  /**
   * Notes the batch as in flight; returns what a process that died left of it, when the batch was
   * being processed then (it is then gone through record by record).
   */
  private noteInFlight(batch: RecordBatch): InFlightRecords | undefined {
    const first = batch.records[0];
    const last = batch.records.at(-1);
    if (!this.inFlight || !first || !last) return undefined;
    const crashed = this.inFlight.leftover(batch.topic, batch.partition, first.offset, last.offset);
    if (crashed)
      this.logger.warn(
        `flow ${this.flow.name}: the hub died while processing ${batch.topic}/${batch.partition}@${crashed.from}..${crashed.to} (${crashed.crashes + 1} time(s)); going through those records one by one`,
      );
    else this.inFlight.begin(batch.topic, batch.partition, first.offset, last.offset, 0);
    return crashed;
  }

  /** Decode, steps and encode of one record, each retried by the flow's policy; a promise only once one of them is. */
  private processRecord(
    record: IncomingRecord,
    journal: FlowStateJournal | undefined,
    mark: number,
  ): MaybePromise<{ message: FlowMessage; encoded: EncodedOutput[] }> {
    const signal = this.abort.signal;
    const decoded = retryingNow(this.policy, signal, () => this.toMessage(record));
    return whenReady(decoded, (message) => {
      const processed = retryingNow(
        this.policy,
        signal,
        () => {
          journal?.rollback(mark); // a retry starts from the state the message first saw
          return this.flow.processNow ? this.flow.processNow(message) : this.flow.process(message);
        },
        this.noteStepRetry,
      );
      return whenReady(processed, (results) =>
        whenReady(
          retryingNow(this.policy, signal, () =>
            this.encodeAll(results, { topic: record.topic, partition: record.partition, offset: record.offset }),
          ),
          (encoded) => ({ message, encoded }),
        ),
      );
    });
  }

  private toMessage(record: IncomingRecord): MaybePromise<FlowMessage> {
    if (isRepartitionTopic(record.topic)) {
      if (record.value === null) throw new HubError('RECORD_EMPTY', `a record of ${record.topic} has no value`);
      return fromRepartitioned(JSON.parse(record.value.toString()) as Record<string, unknown>, record.headers).message;
    }
    const schemaName = this.jsonTopicRecord(record.topic);
    if (schemaName)
      return {
        key: record.key?.toString() ?? null,
        value: this.schemas.jsonCodec(schemaName).decode(record.value, record),
        headers: record.headers,
        topic: record.topic,
        schemaName,
      };
    return whenReady(this.serde.decodeNow(record.value, record), (decoded) => ({
      key: record.key?.toString() ?? null,
      value: decoded.value as Record<string, unknown>,
      headers: record.headers,
      topic: record.topic,
      schemaName: decoded.schemaName,
    }));
  }

  /** Every output encoded, failing with the first output (in order) that fails. */
  private encodeAll(results: FlowOutput[], source: RecordSource | undefined): MaybePromise<EncodedOutput[]> {
    const encoded: MaybePromise<EncodedOutput>[] = [];
    try {
      for (const output of results) encoded.push(this.encode(output, source));
    } catch (error) {
      // Outputs already waiting for the registry fail the same way; nobody awaits them any more.
      for (const pending of encoded) if (pending instanceof Promise) pending.catch(() => undefined);
      throw error;
    }
    return allReady(encoded);
  }

  private encode(output: FlowOutput, source: RecordSource | undefined): MaybePromise<EncodedOutput> {
    const topic = destinationTopic(output.destination);
    // Between the stages of one flow: JSON text, what the message was in headers (see repartition.ts).
    if (isRepartitionTopic(topic)) {
      const headers = source ? withSource(output.message.headers, source) : output.message.headers;
      return { topic, record: { key: output.message.key, value: Buffer.from(JSON.stringify(output.message.value)), headers } };
    }
    const schemaName =
      ('schema' in output.destination ? output.destination.schema : undefined) ??
      this.canonicalTopic(topic)?.record ??
      output.message.schemaName;
    if (!schemaName)
      throw new HubError(
        'FLOW_OUTPUT_SCHEMA_UNKNOWN',
        `flow ${this.flow.name}: no schema for output topic ${topic}; name one with to.schema`,
      );
    try {
      if (this.jsonTopicRecord(topic))
        return this.withHeaders(topic, output, this.schemas.jsonCodec(schemaName).encode(output.message.value), JSON_HEADERS);
      const value = this.serde.encodeNow(valueSubject(topic), this.schemas.registrySchema(schemaName), output.message.value);
      if (value instanceof Promise)
        return value.then((bytes) => this.withHeaders(topic, output, bytes)).catch((error: unknown) => this.encodeFailed(topic, error));
      return this.withHeaders(topic, output, value);
    } catch (error) {
      return this.encodeFailed(topic, error);
    }
  }

  /** A declared topic (the flow's own `topics:`, else topics.json), looked up once per topic rather than once per message. */
  private canonicalTopic(topic: string): FlowTopic | undefined {
    if (!this.canonicalTopics.has(topic))
      this.canonicalTopics.set(
        topic,
        this.flow.topics?.find((t) => t.topic === topic) ?? this.schemas.topics().find((t) => t.topic === topic),
      );
    return this.canonicalTopics.get(topic);
  }

  /** The record of a topic declared JSON (`"format": "json"`, in topics.json or the flow's `topics:`); undefined for Avro topics. */
  private jsonTopicRecord(topic: string): string | undefined {
    const info = this.canonicalTopic(topic);
    return info?.format === 'json' ? info.record : undefined;
  }

  /** The registry or broker away is retried as it is; anything else fails the message at its destination. */
  private encodeFailed(topic: string, error: unknown): never {
    if (error instanceof HubError && error.retriable) throw error;
    throw new FlowStepError(this.flow.name, `to ${topic}`, error);
  }

  /** Tracing: the output keeps its input's correlation id and trace, in a span of this flow's own. */
  private withHeaders(topic: string, output: FlowOutput, value: Buffer, extraHeaders?: Record<string, string>): EncodedOutput {
    const derived = derivedRecordHeaders(output.message.value, output.message.headers, this.stage, 'crm-hub');
    const headers = extraHeaders ? { ...derived, ...extraHeaders } : derived;
    const size = encodedSizeAtMost(value, output.message.key, headers);
    if (size > MAX_RECORD_BYTES && exactEncodedSize(value, output.message.key, headers) > MAX_RECORD_BYTES) {
      throw new HubError(
        'RECORD_TOO_LARGE',
        `the record for ${topic} is ${exactEncodedSize(value, output.message.key, headers)} bytes encoded, larger than the ${MAX_RECORD_BYTES} bytes a Kafka broker takes by default (message.max.bytes)`,
        { retriable: false },
      );
    }
    return { topic, record: { key: output.message.key, value, headers } };
  }

  private noteError(error: unknown): void {
    const { code, message } = describeError(error);
    this.counters.failures++;
    this.metrics.error(error);
    this.counters.lastError = { code, message, at: new Date().toISOString() };
  }
}

/**
 * Where a record a stateful stage reads came from: the record itself on the input's own partitions;
 * on a repartition topic, what its headers say (none for what a timer of the stage before made).
 */
function sourceOfRecord(record: IncomingRecord): RecordSource | undefined {
  if (isRepartitionTopic(record.topic)) return sourceOf(record.headers);
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}

function pushTo(outputs: Map<string, OutgoingRecord[]>, topic: string, record: OutgoingRecord): void {
  const list = outputs.get(topic);
  if (list) list.push(record);
  else outputs.set(topic, [record]);
}

function destinationTopic(destination: FlowDestination): string {
  return 'topic' in destination ? destination.topic : connectorInputTopic(destination.connector);
}

function stageOf(error: unknown): string {
  return error instanceof RecordDecodeError ? 'decode' : 'flow';
}

/**
 * An upper bound of a record's size (a UTF-16 unit is at most 3 UTF-8 bytes): for the ordinary
 * record far below the limit it spares an exact count of every header per output.
 */
function encodedSizeAtMost(value: Buffer, key: string | Buffer | null | undefined, headers: Record<string, string>): number {
  let size = value.length + (typeof key === 'string' ? 3 * key.length : (key?.length ?? 0));
  for (const name in headers) size += 3 * (name.length + headers[name]!.length);
  return size;
}

function exactEncodedSize(value: Buffer, key: string | Buffer | null | undefined, headers: Record<string, string>): number {
  let size = value.length + Buffer.byteLength(key ?? '');
  for (const name in headers) size += Buffer.byteLength(name) + Buffer.byteLength(headers[name]!);
  return size;
}
