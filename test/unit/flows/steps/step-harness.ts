import type avro from 'avsc';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { compileConfigSchema } from '../../../../src/platform/config/config-schema-compiler.js';
import type { FlowMessage } from '../../../../src/flows/flow-message.js';
import type { CompiledStep, LookupTable, StepCompileContext, StepDefinition } from '../../../../src/flows/flow-step.js';
import { FlowState } from '../../../../src/flows/state/flow-state.js';
import { InMemoryPartitionedState } from '../../../../src/platform/state/partitioned-state.js';
import { ManualClock } from '../../../support/manual-clock.js';

/** An issue a step reported while compiling, as the flow compiler receives it. */
export interface ReportedIssue {
  path: (string | number)[];
  code: string;
  message: string;
  offset?: number;
}

let catalog: Promise<SchemaCatalog> | undefined;

/** The canonical schemas, loaded once for all step tests. */
export function schemas(): Promise<SchemaCatalog> {
  catalog ??= SchemaCatalog.load();
  return catalog;
}

/**
 * A stateful step's state as `crm-hub test` keeps it: in memory, one partition (0) unless the test
 * says, on a clock the test moves. `restart()` gives the state a restarted process finds.
 */
export class MemoryState {
  readonly clock: ManualClock;
  store: InMemoryPartitionedState<unknown>;
  flowState: FlowState | undefined;

  constructor(
    options: { partitions?: number; now?: number; idleTimeoutMs?: number } = {},
    readonly idleTimeoutMs = options.idleTimeoutMs ?? 60_000,
  ) {
    this.clock = new ManualClock(options.now ?? Date.parse('2026-01-01T00:00:00Z'));
    this.store = new InMemoryPartitionedState(options.partitions ?? 1);
    this.store.assign([...Array(options.partitions ?? 1).keys()]);
  }

  /** The state a process started again reads back (the step must be compiled again with this MemoryState). */
  restart(): void {
    const partitions = this.store.assigned;
    this.store = this.store.reopen();
    this.store.assign(partitions);
    this.flowState = undefined;
  }

  /** Every key held on `partition` (step keys `k/…`, timers `t/…`, watermarks `w/…`). */
  keys(partition = 0): string[] {
    return [...this.store.entries(partition)].map((entry) => entry.key);
  }

  /** What a step's `keyedState()` is given. */
  stateFor(label: string): FlowState {
    if (!this.flowState) {
      this.flowState = new FlowState(label, 'test-flow', { clock: this.clock, idleTimeoutMs: this.idleTimeoutMs });
      this.flowState.attach(this.store);
    }
    return this.flowState;
  }
}

export interface HarnessOptions {
  /** Full or short name of the record arriving at the step. */
  input?: string;
  tables?: Record<string, Record<string, Record<string, unknown>>>;
  state?: MemoryState;
  /** Index of the step in its flow. */
  index?: number;
}

/**
 * Compiles a step as the flow compiler does: the config first validated against the step's spec
 * with the same ajv settings (defaults applied, objects closed), then `compile` with a context
 * that collects the issues reported.
 */
export async function compileStep<Config>(
  definition: StepDefinition<Config>,
  config: unknown,
  options: HarnessOptions = {},
): Promise<{ step: CompiledStep; issues: ReportedIssue[]; state: MemoryState }> {
  const catalog = await schemas();
  const validate = compileConfigSchema(definition.spec as object);
  if (!validate(config)) throw new Error(`config does not satisfy the spec of ${definition.type}: ${JSON.stringify(validate.errors)}`);
  const issues: ReportedIssue[] = [];
  const state = options.state ?? new MemoryState();
  const inputType: avro.Type | undefined = options.input ? catalog.type(options.input) : undefined;
  const context: StepCompileContext = {
    path: ['steps', options.index ?? 0, definition.type],
    inputType,
    schemas: catalog,
    flowName: 'test-flow',
    report: (path, code, message, at) => issues.push({ path, code, message, ...(at ? { offset: at.offset } : {}) }),
    keyedState: () => state.stateFor(`steps[${options.index ?? 0}].${definition.type}`).view,
    table: (topic): LookupTable => ({ get: (key) => options.tables?.[topic]?.[key] }),
  };
  const step = definition.compile(config as Config, context);
  return { step, issues, state };
}

/** Whether a config passes the step's spec (shorthands included). */
export function specAccepts(definition: StepDefinition<unknown>, config: unknown): boolean {
  return compileConfigSchema(definition.spec as object)(config) === true;
}

/** A message of a canonical topic as a flow receives it. */
export function messageOf(topic: string, value: Record<string, unknown>, key: string | null = null, schemaName?: string): FlowMessage {
  return { key, value, headers: {}, topic, ...(schemaName ? { schemaName } : {}) };
}

/**
 * Runs a compiled step on a message, sync or async alike; a stateful step inside its state's
 * journal for `partition` (default 0), its changes flushed after, as the runner does for a batch.
 */
export async function run(step: CompiledStep, message: FlowMessage, state?: MemoryState, partition = 0): Promise<FlowMessage[]> {
  const flowState = state?.flowState;
  if (!flowState) return step.run(message);
  return flowState.exclusive(partition, message.topic, async (journal) => {
    const out = await step.run(message);
    await flowState.flush(journal);
    return out;
  });
}

/** A join's other side, like `run`. */
export async function runSide(step: CompiledStep, message: FlowMessage, state: MemoryState, partition = 0): Promise<FlowMessage[]> {
  const flowState = state.flowState!;
  return flowState.exclusive(partition, message.topic, async (journal) => {
    const out = await step.runSide!(message);
    await flowState.flush(journal);
    return out;
  });
}

/** The timers due on `partition` now (watermark, idleness on the state's clock), fired as the runner fires them. */
export async function fire(step: CompiledStep, state: MemoryState, partition = 0): Promise<FlowMessage[]> {
  const flowState = state.flowState!;
  return flowState.exclusive(partition, undefined, async (journal) => {
    const out: FlowMessage[] = [];
    for (const timer of flowState.takeDue()) out.push(...(await step.onTimer!(timer)));
    await flowState.flush(journal);
    return out;
  });
}

/** The error a step throws (or rejects with) on a message. */
export async function failureOf(
  step: CompiledStep,
  message: FlowMessage,
  state?: MemoryState,
): Promise<Error & { code?: string; retriable?: boolean }> {
  try {
    await run(step, message, state);
  } catch (error) {
    return error as Error & { code?: string; retriable?: boolean };
  }
  throw new Error('the step did not fail');
}
