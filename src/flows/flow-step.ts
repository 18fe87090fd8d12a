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
  /** Keyed state that survives restarts (kept in a compacted Kafka topic by the runtime; in memory under `crm-hub test`). */
  state(name: string): StepStateStore;
  /** A lookup table built from a compacted topic (in memory under `crm-hub test`, from the test file's `tables`). */
  table(topic: string): LookupTable;
  /** Name of the flow, for state and table names. */
  flowName: string;
  /** The flow file's `limits` for every expression of its steps; the defaults when absent. */
  expressionLimits?: ExpressionLimits;
  /** The topics the flow may use (schemas/topics.json and the flow's `topics:`); topics.json alone when absent. */
  topics?: FlowTopics;
}

export interface StepStateStore {
  get(key: string): unknown;
  put(key: string, value: unknown): Promise<void>;
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
