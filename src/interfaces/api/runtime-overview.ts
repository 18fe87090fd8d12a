import type { ConnectorInstanceConfig } from '../../connect/runtime/connector-instance-config.js';
import { describeError } from '../../core/hub-error.js';
import type { FlowRestart, FlowStatus } from '../../flows/flow-runtime.js';
import type { ConsumerGroupLag, ConsumerGroupRef, ConsumerLagSource } from '../../platform/kafka/consumer-lag.js';
import { maskPersonalPatterns } from '../../platform/observability/pii-masking.js';
import type { InstanceStatusReport } from '../../connect/runtime/instance-status.js';
import { ThroughputMeter, type Throughput } from '../../connect/runtime/throughput-meter.js';

/** What the admin API needs of the connector runtime; ConnectorRuntime is one. */
export interface ConnectorControl {
  statuses(): InstanceStatusReport[];
  /** Throws INSTANCE_UNKNOWN. */
  status(name: string): InstanceStatusReport;
  consumerGroup(name: string): ConsumerGroupRef | undefined;
  pause(name: string): InstanceStatusReport;
  resume(name: string): InstanceStatusReport;
  restart(name: string): Promise<InstanceStatusReport>;
}

/** What the admin API needs of the flow runtime; FlowRuntime is one. */
export interface FlowControl {
  statuses(): FlowStatus[];
  /** Throws FLOW_UNKNOWN. */
  status(name: string): FlowStatus;
  pause(name: string): FlowStatus;
  resume(name: string): FlowStatus;
  restart(name: string): Promise<FlowRestart>;
}

export interface RuntimeOverviewDeps {
  connectors: ConnectorControl;
  flows: FlowControl;
  lag: ConsumerLagSource;
  /** An instance's config as anyone with a token may see it: secrets and `${ENV}` values redacted (see redactConfig). */
  configOf?: (name: string) => ConnectorInstanceConfig | undefined;
  /** Default: one of its own, a minute's window. */
  meter?: ThroughputMeter;
  now?: () => number;
}

/** Measured parts of a status: null where there is nothing to measure yet (rate) or nothing consumed (sources). */
interface Measured {
  rate: Throughput | null;
  lag: ConsumerGroupLag | null;
  /** Why the lag is missing when it should be there (broker away, too slow). */
  lagError?: { code: string; message: string };
}

export type ConnectorView = InstanceStatusReport & Measured & { config?: ConnectorInstanceConfig };
export type FlowView = FlowStatus & Measured;

export interface RuntimeTotals {
  count: number;
  byState: Record<string, number>;
  counters: { recordsIn: number; recordsOut: number; failures: number; deadLettered: number };
  /** The sum of the rates measured so far. */
  rate: { inPerSecond: number; outPerSecond: number };
  /** Records not consumed yet, over every group whose lag is known. */
  lag: number;
}

export interface RuntimeStatus {
  at: string;
  connectors: ConnectorView[];
  flows: FlowView[];
  /** Per kind, as a flow's output is often a sink's input and one sum would count it twice. */
  totals: { connectors: RuntimeTotals; flows: RuntimeTotals };
}

/**
 * Statuses as operators see them: the runtimes' own reports with rates (from counters sampled on
 * each look) and consumer lag (cached by the lag source), and error texts masked for personal
 * data, since a delivery error may quote the record that failed.
 */
export class RuntimeOverview {
  private readonly meter: ThroughputMeter;
  private readonly now: () => number;

  constructor(private readonly deps: RuntimeOverviewDeps) {
    this.meter = deps.meter ?? new ThroughputMeter();
    this.now = deps.now ?? Date.now;
  }

  connectors(): Promise<ConnectorView[]> {
    return Promise.all(this.deps.connectors.statuses().map((report) => this.connectorView(report)));
  }

  connector(name: string): Promise<ConnectorView> {
    return this.connectorView(this.deps.connectors.status(name));
  }

  flows(): Promise<FlowView[]> {
    return Promise.all(this.deps.flows.statuses().map((status) => this.flowView(status)));
  }

  flow(name: string): Promise<FlowView> {
    return this.flowView(this.deps.flows.status(name));
  }

  async status(): Promise<RuntimeStatus> {
    const [connectors, flows] = await Promise.all([this.connectors(), this.flows()]);
    this.meter.retain([...connectors.map((c) => connectorKey(c.name)), ...flows.map((f) => flowKey(f.name))]);
    return {
      at: new Date(this.now()).toISOString(),
      connectors,
      flows,
      totals: { connectors: totals(connectors, (c) => c.counters), flows: totals(flows, (f) => f.counters) },
    };
  }

  async connectorView(report: InstanceStatusReport): Promise<ConnectorView> {
    const key = connectorKey(report.name);
    this.meter.observe(key, report.counters, this.now());
    const group = this.deps.connectors.consumerGroup(report.name);
    const config = this.deps.configOf?.(report.name);
    return {
      ...report,
      lastError: maskError(report.lastError),
      rate: this.meter.rate(key) ?? null,
      ...(await this.measureLag(group)),
      ...(config ? { config } : {}),
    };
  }

  async flowView(status: FlowStatus): Promise<FlowView> {
    const key = flowKey(status.name);
    if (status.counters) this.meter.observe(key, status.counters, this.now());
    return {
      ...status,
      issues: status.issues?.map(maskPersonalPatterns),
      counters: status.counters && { ...status.counters, lastError: maskError(status.counters.lastError) },
      lastError: maskError(status.lastError),
      rate: status.counters ? (this.meter.rate(key) ?? null) : null,
      ...(await this.measureLag(status.consumer)),
    };
  }

  private async measureLag(group: ConsumerGroupRef | undefined): Promise<Pick<Measured, 'lag' | 'lagError'>> {
    if (!group) return { lag: null };
    try {
      return { lag: await this.deps.lag.lag(group) };
    } catch (error) {
      const { code, message } = describeError(error);
      return { lag: null, lagError: { code, message } };
    }
  }
}

const connectorKey = (name: string) => `connector:${name}`;
const flowKey = (name: string) => `flow:${name}`;

function maskError<T extends { message: string } | undefined>(error: T): T {
  return (error ? { ...error, message: maskPersonalPatterns(error.message) } : error) as T;
}

function totals<T extends { state: string } & Measured>(
  views: T[],
  counters: (view: T) => RuntimeTotals['counters'] | undefined,
): RuntimeTotals {
  const result: RuntimeTotals = {
    count: views.length,
    byState: {},
    counters: { recordsIn: 0, recordsOut: 0, failures: 0, deadLettered: 0 },
    rate: { inPerSecond: 0, outPerSecond: 0 },
    lag: 0,
  };
  for (const view of views) {
    result.byState[view.state] = (result.byState[view.state] ?? 0) + 1;
    const counted = counters(view);
    if (counted) {
      result.counters.recordsIn += counted.recordsIn;
      result.counters.recordsOut += counted.recordsOut;
      result.counters.failures += counted.failures;
      result.counters.deadLettered += counted.deadLettered;
    }
    result.rate.inPerSecond += view.rate?.inPerSecond ?? 0;
    result.rate.outPerSecond += view.rate?.outPerSecond ?? 0;
    result.lag += view.lag?.total ?? 0;
  }
  result.rate.inPerSecond = Math.round(result.rate.inPerSecond * 100) / 100;
  result.rate.outPerSecond = Math.round(result.rate.outPerSecond * 100) / 100;
  return result;
}
