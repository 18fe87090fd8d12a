/** The `component` label: which kind of thing did the work. */
export type MetricsComponent = 'flow' | 'connector';

/**
 * What one flow or connector instance reports about its work, with its labels already bound: the
 * hot path neither builds label sets nor knows metric names. Runners started without a HubMetrics
 * get NO_METRICS, so callers and tests that do not care about metrics need not provide any.
 */
export interface ComponentMetrics {
  recordsIn(count: number): void;
  /** Records whose output was acknowledged: by the broker, or by the target system for a sink. */
  recordsOut(count: number): void;
  /** One failure, counted by its HubError code: a failed attempt (retried or not), a refused record, a crash. */
  error(error: unknown): void;
  /** A failure that is known by its code only, e.g. a webhook body that is not JSON. */
  errorCode(code: string): void;
  deadLettered(count: number): void;
  /** Starts timing one batch (see HubMetrics for what a batch is); call the result once the batch is settled. */
  startBatch(): () => void;
  /** The output of a record whose event happened at `occurredAtMs` was acknowledged at `acknowledgedAtMs` (default now). */
  acknowledged(occurredAtMs: number | undefined, acknowledgedAtMs?: number): void;
}

const nothing = (): void => undefined;

export const NO_METRICS: ComponentMetrics = {
  recordsIn: nothing,
  recordsOut: nothing,
  error: nothing,
  errorCode: nothing,
  deadLettered: nothing,
  startBatch: () => nothing,
  acknowledged: nothing,
};
