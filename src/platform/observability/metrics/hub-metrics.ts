import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describeError } from '../../../core/hub-error.js';
import { LookupCache } from '../../cache/lookup-cache.js';
import { withTimeout } from '../../infra/with-timeout.js';
import type { Logger } from '../logger.js';
import type { ComponentMetrics, MetricsComponent } from './component-metrics.js';
import { ErrorCodeLabels } from './error-code-labels.js';
import { registerFlowStateGauges, type FlowStateFigures } from './flow-state-gauges.js';
import { eventAgeSeconds } from './event-age.js';

/** 1 ms (a small batch of a fast flow) to 30 s (a sink batch waiting out a slow system). */
export const PROCESSING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** 10 ms to an hour: from a webhook straight through to a nightly poll; past that, +Inf. */
export const END_TO_END_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Prometheus servers may scrape every few seconds, from more than one place; the broker is asked for offsets at most this often. */
const MIN_LAG_CACHE_MS = 5000;

export interface HubMetricsOptions {
  /** process_* and nodejs_* metrics (CPU, memory, file descriptors, event loop lag, GC). Default on. */
  processMetrics?: boolean;
  /** How long a consumer lag answer is kept, at least (and by default) 5 s. */
  lagCacheMs?: number;
  /** How long the lag lookup may take before a scrape answers without it. Default 3 s. */
  lagTimeoutMs?: number;
  /** Distinct error codes counted by name before the rest count as OTHER. Default 100. */
  maxErrorCodes?: number;
  /** Where a failing lag lookup is reported. */
  logger?: Logger;
}

type Labels = 'component' | 'name';

/** How many records a consumer group has yet to read of one topic, over all its partitions. */
export interface ConsumerLag {
  group: string;
  topic: string;
  lag: number;
}

/**
 * The metrics of one hub, on its own prom-client Registry rather than the global one, so that two
 * hubs in one process (and tests) never share or collide on series.
 *
 * Labels are bounded: `component` and `name` come from the hub config (flow names, connector
 * instance names), `code` from a bounded set of error codes; never a key or a record id.
 * crmhub_processing_seconds is observed once per batch: one fetched Kafka batch for a flow or a
 * sink (decode, process or deliver, dead letters, produce), one poll round that brought records
 * for a polling source (poll, publish, store the position) and one accepted webhook request.
 */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly recordsIn: Counter<Labels>;
  private readonly recordsOut: Counter<Labels>;
  private readonly errors: Counter<Labels | 'code'>;
  private readonly deadLettered: Counter<Labels>;
  private readonly processing: Histogram<Labels>;
  private readonly endToEnd: Histogram<Labels>;
  private readonly codes: ErrorCodeLabels;
  private readonly components = new Map<string, ComponentMetrics>();
  private lag: (() => Promise<ConsumerLag[]>) | undefined;
  private flowState: (() => FlowStateFigures[]) | undefined;

  constructor(private readonly options: HubMetricsOptions = {}) {
    const registers = [this.registry];
    const labelNames = ['component', 'name'] as const;
    this.codes = new ErrorCodeLabels(options.maxErrorCodes);
    this.recordsIn = new Counter({
      name: 'crmhub_records_in_total',
      help: 'Records a flow or connector instance took in: consumed from Kafka, polled, or received by webhook',
      labelNames,
      registers,
    });
    this.recordsOut = new Counter({
      name: 'crmhub_records_out_total',
      help: 'Outputs acknowledged: produced to Kafka (flows, sources) or delivered to the target system (sinks)',
      labelNames,
      registers,
    });
    this.errors = new Counter({
      name: 'crmhub_errors_total',
      help: 'Failures by HubError code: every failed attempt (also those retried with success later), refused or dead-lettered record and crash',
      labelNames: [...labelNames, 'code'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'crmhub_dead_lettered_total',
      help: 'Records written to a dead-letter topic',
      labelNames,
      registers,
    });
    this.processing = new Histogram({
      name: 'crmhub_processing_seconds',
      help: 'Time to settle one batch: a fetched Kafka batch (flows, sinks), a poll round that brought records (polling sources) or an accepted webhook request',
      labelNames,
      buckets: PROCESSING_BUCKETS,
      registers,
    });
    this.endToEnd = new Histogram({
      name: 'crmhub_end_to_end_seconds',
      help: "From the event's meta.occurredAt in the source system to the acknowledgement of its output (records without one, or older than a day, are left out)",
      labelNames,
      buckets: END_TO_END_BUCKETS,
      registers,
    });
    const currentLag = (): Promise<ConsumerLag[]> | undefined => this.lag?.();
    new Gauge({
      name: 'crmhub_consumer_lag',
      help: 'Records a consumer group has yet to read of a topic, over all partitions (refreshed at most every 5 s)',
      labelNames: ['group', 'topic'],
      registers,
      async collect() {
        const lags = (await currentLag()) ?? [];
        // Groups and topics that went away must not linger with their last value.
        this.reset();
        for (const { group, topic, lag } of lags) this.set({ group, topic }, lag);
      },
    });
    registerFlowStateGauges(this.registry, () => this.flowState?.() ?? [], options.logger);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The metrics of one flow or connector instance; the same object for the same pair, so a reloaded flow counts on. */
  component(component: MetricsComponent, name: string): ComponentMetrics {
    const id = `${component}\u0000${name}`;
    let metrics = this.components.get(id);
    if (!metrics) this.components.set(id, (metrics = this.bind(component, name)));
    return metrics;
  }

  /**
   * Where crmhub_consumer_lag comes from: asked at scrape time, its answer kept for 5 s or more. A
   * lookup that fails or hangs is logged and the scrape answers without lag series.
   */
  setLagProvider(provider: () => Promise<ConsumerLag[]>): void {
    const timeoutMs = this.options.lagTimeoutMs ?? 3000;
    const load = () =>
      withTimeout(provider(), timeoutMs, 'consumer lag lookup').catch((error: unknown) => {
        this.options.logger?.warn(`metrics: consumer lag unavailable: ${describeError(error).message}`);
        return [];
      });
    // A failure is kept as long as an answer (it arrives as no lag), so a broker that is away is not pressed.
    const cache = new LookupCache<ConsumerLag[]>({ ttlMs: Math.max(MIN_LAG_CACHE_MS, this.options.lagCacheMs ?? MIN_LAG_CACHE_MS) });
    this.lag = () => cache.get('lag', load);
  }

  /** Where the crmhub_flow_state_* gauges come from: asked at each scrape (it must be cheap and synchronous). */
  setFlowStateProvider(provider: () => FlowStateFigures[]): void {
    this.flowState = provider;
  }

  /** The Content-Type of text(): Prometheus text format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus text format, as GET /metrics answers. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private bind(component: MetricsComponent, name: string): ComponentMetrics {
    const labels = { component, name };
    const recordsIn = this.recordsIn.labels(labels);
    const recordsOut = this.recordsOut.labels(labels);
    const deadLettered = this.deadLettered.labels(labels);
    const processing = this.processing.labels(labels);
    const endToEnd = this.endToEnd.labels(labels);
    // Series exist from the start at zero, so that rate() and alerts see the first increase.
    for (const counter of [recordsIn, recordsOut, deadLettered]) counter.inc(0);
    this.processing.zero(labels);
    this.endToEnd.zero(labels);
    const errorCode = (code: string) => this.errors.inc({ ...labels, code: this.codes.label(code) });
    return {
      recordsIn: (count) => recordsIn.inc(count),
      recordsOut: (count) => recordsOut.inc(count),
      deadLettered: (count) => deadLettered.inc(count),
      error: (error) => errorCode(describeError(error).code),
      errorCode,
      startBatch: () => {
        const end = processing.startTimer();
        return () => void end();
      },
      acknowledged: (occurredAtMs, acknowledgedAtMs = Date.now()) => {
        if (occurredAtMs === undefined) return;
        const age = eventAgeSeconds(occurredAtMs, acknowledgedAtMs);
        if (age !== undefined) endToEnd.observe(age);
      },
    };
  }
}
