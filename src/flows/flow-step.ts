import type avro from 'avsc';
import type { JSONSchema } from 'json-schema-to-ts';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import type { ExpressionLimits } from '../expressions/expression-limits.js';
import type { FlowMessage } from './flow-message.js';
import type { FlowTopics } from './flow-topics.js';

/**
 * The contract between a flow step type and the flow compiler and runtime. A step type is a spec
 * (JSON Schema of its config, which validation and docs use) and a `compile` that turns one
 * config into a plain function once, at load time: nothing is interpreted per message.
 */
export interface StepDefinition<Config = unknown> {
  /** The key that names the step in a flow file, e.g. `filter`, `set-key`. */
  type: string;
  description: string;
  spec: JSONSchema;
  compile(config: Config, context: StepCompileContext): CompiledStep;
}

export interface CompiledStep {
  /** Zero messages drop it (filter, dedupe), one passes it on, several split it. Throwing fails the message: retried if the error is retriable, else dead-lettered. */
  run(message: FlowMessage): FlowMessage[] | Promise<FlowMessage[]>;
  /**
   * A stateful step (dedupe, aggregate, join, timeout) keeps its state per key: the flow hands it
   * its messages partitioned by this key (through an internal repartition topic, so that every
   * message of one key reaches the same process and the same state partition, whatever the input
   * topic is keyed by). Undefined or null: the message has no key for this step (`run` decides).
   */
  partitionBy?(message: FlowMessage): unknown;
  /**
   * `partitionBy` is the message's own key (when it has one): the step may then keep its state on
   * the input's partitions, with no repartition topic, when nothing before it changed keys.
   */
  partitionedByMessageKey?: boolean;
  /**
   * Other topics this step reads (a join's `with`): their records skip the steps before this one
   * and reach `runSide`, partitioned by `sidePartitionBy`.
   */
  sideInputs?: readonly string[];
  sidePartitionBy?(message: FlowMessage): unknown;
  runSide?(message: FlowMessage): FlowMessage[] | Promise<FlowMessage[]>;
  /**
   * A timer this step scheduled is due (its partition's event-time watermark reached it, or the
   * partition went idle long enough on the wall clock): the messages it gives go on through the
   * steps after this one (or straight to their destinations when `final`). Runs with the timer's
   * partition's state, like `run`.
   */
  onTimer?(timer: FiredTimer): FlowMessage[] | Promise<FlowMessage[]>;
  /** The record type of values after this step when it is known (e.g. `map` to a schema), for checking later steps' field names. */
  outputType?: avro.Type;
  close?(): Promise<void>;
}

/** Problems found while compiling are reported, not thrown, so that one run of validation lists them all. */
export interface StepCompileContext {
  /** Path of this step's config in the flow file, e.g. ['steps', 2, 'map']. */
  path: (string | number)[];
  /** The record type of values arriving at this step when known: field names in expressions are checked against it. */
  inputType?: avro.Type;
  schemas: SchemaCatalog;
  /**
   * Reports an issue at `path` (relative to this step's config path). `at.offset` is the character
   * (from 0) of the string written at that path where the problem is, when known — inside an
   * expression — so that the issue can point at that character in the file.
   */
  report(relativePath: (string | number)[], code: string, message: string, at?: { offset: number }): void;
  /**
   * This step's keyed state, timers and event time, partitioned like the step's input (see
   * `CompiledStep.partitionBy`): kept in the flow's compacted changelog topic by the runtime, in
   * memory under `crm-hub test`. Asking for it makes the step stateful.
   */
  keyedState(): KeyedStepState;
  /** A lookup table built from a compacted topic (in memory under `crm-hub test`, from the test file's `tables`). */
  table(topic: string): LookupTable;
  /** Name of the flow, for state and table names. */
  flowName: string;
  /** The flow file's `limits` for every expression of its steps; the defaults when absent. */
  expressionLimits?: ExpressionLimits;
  /** The topics the flow may use (schemas/topics.json and the flow's `topics:`); topics.json alone when absent. */
  topics?: FlowTopics;
}

/**
 * A stateful step's view of its state. Every call applies to the partition of the message (or
 * timer) being processed; outside one it throws. Writes take effect once that message's outputs
 * are produced (a retried or dead-lettered message leaves none), and are read back at once by the
 * same batch. Keys and timer ids are the step's own: two steps never see each other's.
 */
export interface KeyedStepState {
  get<Value = unknown>(key: string): Value | undefined;
  /** `expiresAt`: when (event time, ms) the key is forgotten — its tombstone written once this step's watermark reaches it. */
  put(key: string, value: unknown, expiresAt?: number): void;
  delete(key: string): void;
  /** Schedules (or moves) timer `id` to fire at `dueAt` (event time, ms) with `payload`; durable like a write. */
  schedule(id: string, dueAt: number, payload?: unknown): void;
  cancel(id: string): void;
  /** The timer `id` as scheduled, if it is pending. */
  timer(id: string): { dueAt: number; payload: unknown } | undefined;
  /** Notes the event time of the message being processed: this step's watermark on its partition moves on. */
  observe(eventTime: number): void;
  /** This step's event-time watermark on the current partition (moved on by idleness); undefined before any event. */
  watermark(): number | undefined;
  /** The wall clock the flow runs on (a virtual one under `crm-hub test`). */
  now(): number;
  /** The partition being processed, for ids derived from where a record came from. */
  partition(): number;
}

/** A timer that is due, as given to `CompiledStep.onTimer`. */
export interface FiredTimer {
  id: string;
  dueAt: number;
  payload: unknown;
  /** The step's watermark on the timer's partition when it fired (≥ dueAt). */
  watermark: number;
}

export interface LookupTable {
  /** The latest value of `key` on the topic, decoded, or undefined. */
  get(key: string): Record<string, unknown> | undefined;
}

/** The step types a flow may use; explicit (no registration by import side effects), so tests can build their own. */
export interface StepRegistry {
  get(type: string): StepDefinition | undefined;
  types(): string[];
}
