import type avro from 'avsc';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { compileConfigSchema } from '../../../../src/platform/config/config-schema-compiler.js';
import type { FlowMessage } from '../../../../src/flows/flow-message.js';
import type { CompiledStep, LookupTable, StepCompileContext, StepDefinition, StepStateStore } from '../../../../src/flows/flow-step.js';

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

/** In-memory durable state, as `crm-hub test` keeps it. */
export class MemoryState implements StepStateStore {
  readonly entries = new Map<string, unknown>();
  get(key: string): unknown {
    return this.entries.get(key);
  }
  async put(key: string, value: unknown): Promise<void> {
    this.entries.set(key, value);
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
    state: (name) => (name === 'dedupe' ? state : new MemoryState()),
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

/** Runs a compiled step on a message, sync or async alike. */
export async function run(step: CompiledStep, message: FlowMessage): Promise<FlowMessage[]> {
  return step.run(message);
}

/** The error a step throws (or rejects with) on a message. */
export async function failureOf(step: CompiledStep, message: FlowMessage): Promise<Error & { code?: string; retriable?: boolean }> {
  try {
    await step.run(message);
  } catch (error) {
    return error as Error & { code?: string; retriable?: boolean };
  }
  throw new Error('the step did not fail');
}
