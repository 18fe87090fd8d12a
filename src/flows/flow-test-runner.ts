import path from 'node:path';
import { AvroSerde } from '../platform/avro/avro-serde.js';
import { valueSubject } from '../platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../platform/avro/in-memory-schema-registry.js';
import { AvroEncodeError } from '../platform/avro/record-decode-error.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import { businessKeyOf, type TopicInfo } from '../platform/avro/topic-info.js';
import { compareConfigIssues, formatConfigIssue, type ConfigIssue, type ConfigPath } from '../platform/config/config-issue.js';
import type { ConfigYaml } from '../platform/config/config-yaml-reader.js';
import { readConfigFile } from '../platform/config/config-file-reader.js';
import { describeError, HubError } from '../core/hub-error.js';
import { connectorInputTopic } from '../connect/runtime/connector-input-topic.js';
import { FlowStepError, type CompiledFlow, type FlowOutput } from './compiled-flow.js';
import { compileFlowFile } from './flow-compiler.js';
import type { FlowDestination, FlowMessage } from './flow-message.js';
import { InMemoryStateStore } from './state/in-memory-state-store.js';
import type { LookupTable, StepRegistry } from './flow-step.js';
import { caseDifferences, type ActualDeadLetter, type ActualOutput, type ExpectedOutput } from './flow-test-expectation.js';
import { readFlowTestFile, type FlowTestCase, type FlowTestFile } from './flow-test-file.js';

export interface FlowTestDeps {
  schemas: SchemaCatalog;
  steps: StepRegistry;
  env?: NodeJS.ProcessEnv;
}

export interface FlowTestCaseResult {
  name: string;
  passed: boolean;
  /** Why it failed: one line per difference or problem. */
  problems: string[];
}

export interface FlowTestFileResult {
  file: string;
  /** The flow under test, once its file compiled. */
  flow?: string;
  /** Problems of the test file or its flow file, which keep its cases from running. */
  issues: ConfigIssue[];
  cases: FlowTestCaseResult[];
}

/**
 * Runs the cases of one flow test file without a broker, through the same compiled flow the
 * runner executes: each input is encoded with its topic's Avro schema and decoded again, as a
 * producer and the runner would; each output is encoded with its destination's schema and decoded
 * as a consumer would, so a value the schema refuses fails the case as it fails in production (a
 * dead letter at `to <topic>`). State starts empty for each case; lookup tables hold the file's
 * `tables` rows, which must be valid for their topic's schema too.
 */
export async function runFlowTestFile(file: string, deps: FlowTestDeps): Promise<FlowTestFileResult> {
  const env = deps.env ?? process.env;
  const reading = readFlowTestFile(file, await readConfigFile(file), env);
  if (!reading.test) return { file, issues: reading.issues, cases: [] };
  const test = reading.test;
  const flowFile = path.isAbsolute(test.flow) ? test.flow : path.join(path.dirname(file), test.flow);
  let flowText: string;
  try {
    flowText = await readConfigFile(flowFile);
  } catch (error) {
    return { file, issues: [reading.yaml.issueAt(['flow'], 'VALUE_INVALID', describeError(error).message)], cases: [] };
  }
  const serde = new AvroSerde(new InMemorySchemaRegistry());
  const harness = new CaseHarness(deps.schemas, serde, reading.yaml);
  const issues = await harness.loadTables(test.tables ?? {});
  const compile = (): { flow?: CompiledFlow; issues: ConfigIssue[] } => {
    const states = new Map<string, InMemoryStateStore>();
    const state = (flow: string, name: string) => {
      const store = states.get(`${flow}/${name}`) ?? new InMemoryStateStore();
      states.set(`${flow}/${name}`, store);
      return store;
    };
    return compileFlowFile(
      { file: flowFile, text: flowText, env },
      { schemas: deps.schemas, steps: deps.steps, state, table: (topic) => harness.table(topic) },
    );
  };
  const first = compile();
  issues.push(...first.issues);
  await first.flow?.close();
  if (!first.flow || issues.length > 0) return { file, flow: first.flow?.name, issues: issues.sort(compareConfigIssues), cases: [] };

  const cases: FlowTestCaseResult[] = [];
  for (const [index, testCase] of test.cases.entries()) {
    // A fresh compilation per case: its steps' state starts empty.
    const flow = compile().flow!;
    try {
      const problems = await harness.run(flow, testCase, ['cases', index]);
      cases.push({ name: testCase.name, passed: problems.length === 0, problems });
    } finally {
      await flow.close();
    }
  }
  return { file, flow: first.flow.name, issues: [], cases };
}

class CaseHarness {
  private readonly tables = new Map<string, Map<string, Record<string, unknown>>>();

  constructor(
    private readonly schemas: SchemaCatalog,
    private readonly serde: AvroSerde,
    private readonly yaml: ConfigYaml,
  ) {}

  table(topic: string): LookupTable {
    const rows = this.tables.get(topic) ?? new Map<string, Record<string, unknown>>();
    this.tables.set(topic, rows);
    return { get: (key) => rows.get(key) };
  }

  async loadTables(tables: FlowTestFile['tables']): Promise<ConfigIssue[]> {
    const issues: ConfigIssue[] = [];
    for (const [topic, rows] of Object.entries(tables ?? {})) {
      const table = this.tables.get(topic) ?? new Map<string, Record<string, unknown>>();
      this.tables.set(topic, table);
      for (const [index, row] of rows.entries()) {
        const at = ['tables', topic, index, 'value'];
        const value = await this.roundTrip(topic, row.value);
        if (typeof value === 'string') issues.push(this.yaml.issueAt(at, 'VALUE_INVALID', value));
        else table.set(row.key, value);
      }
    }
    return issues;
  }

  async run(flow: CompiledFlow, testCase: FlowTestCase, at: ConfigPath): Promise<string[]> {
    const problems: string[] = [];
    const outputs = new Map<string, ActualOutput[]>();
    const deadLetters: ActualDeadLetter[] = [];
    for (const [index, input] of testCase.input.entries()) {
      const inputAt = [...at, 'input', index];
      const topic = input.topic ?? flow.from[0]!;
      if (!flow.from.includes(topic)) {
        problems.push(this.located([...inputAt, 'topic'], `flow ${flow.name} does not read ${topic} (from: ${flow.from.join(', ')})`));
        continue;
      }
      const value = await this.roundTrip(topic, input.value);
      if (typeof value === 'string') {
        problems.push(this.located([...inputAt, 'value'], value));
        continue;
      }
      const info = this.topicInfo(topic);
      let key: string | null;
      try {
        key = input.key !== undefined ? input.key : info ? businessKeyOf(info, value) : null;
      } catch (error) {
        problems.push(this.located([...inputAt, 'value'], describeError(error).message));
        continue;
      }
      const message: FlowMessage = { key, value, headers: { ...(input.headers ?? {}) }, topic, schemaName: info?.record };
      const result = await this.process(flow, message);
      if ('deadLetter' in result) {
        deadLetters.push(result.deadLetter);
        continue;
      }
      for (const { label, output } of result.outputs) outputs.set(label, [...(outputs.get(label) ?? []), output]);
    }
    if (problems.length > 0) return problems;
    // The file schema checked every entry but deadLetters to be a list of expected outputs.
    const expected = new Map(Object.entries(testCase.expect).filter(([label]) => label !== 'deadLetters') as [string, ExpectedOutput[]][]);
    return caseDifferences({ outputs: expected, deadLetters: testCase.expect.deadLetters ?? [] }, { outputs, deadLetters });
  }

  /** Runs the flow on one message and encodes its outputs as the runner does: all of them, or a dead letter instead. */
  private async process(
    flow: CompiledFlow,
    message: FlowMessage,
  ): Promise<{ outputs: { label: string; output: ActualOutput }[] } | { deadLetter: ActualDeadLetter }> {
    const failed = (error: unknown) => {
      const { code, message: reason } = describeError(error);
      return { deadLetter: { key: message.key, code, step: error instanceof FlowStepError ? error.step : 'flow', message: reason } };
    };
    let results: FlowOutput[];
    try {
      results = await flow.process(message);
    } catch (error) {
      return failed(error);
    }
    const outputs: { label: string; output: ActualOutput }[] = [];
    for (const { destination, message: out } of results) {
      const topic = 'topic' in destination ? destination.topic : connectorInputTopic(destination.connector);
      const schemaName = ('schema' in destination ? destination.schema : undefined) ?? this.topicInfo(topic)?.record ?? out.schemaName;
      if (!schemaName)
        return failed(
          new HubError('FLOW_OUTPUT_SCHEMA_UNKNOWN', `flow ${flow.name}: no schema for output topic ${topic}; name one with to.schema`),
        );
      try {
        const bytes = await this.serde.encode(valueSubject(topic), this.schemas.registrySchema(schemaName), out.value);
        const decoded = await this.serde.decode(bytes);
        outputs.push({
          label: destinationLabel(destination),
          output: { key: out.key, value: jsonForm(decoded.value), headers: { ...out.headers } },
        });
      } catch (error) {
        return failed(error instanceof HubError && error.retriable ? error : new FlowStepError(flow.name, `to ${topic}`, error));
      }
    }
    return { outputs };
  }

  /**
   * The value as the flow would see it after a producer wrote it to `topic` and the runner read
   * it back; a string saying why when the topic's schema refuses it. Values of topics without a
   * canonical schema are passed as written.
   */
  private async roundTrip(topic: string, value: Record<string, unknown>): Promise<Record<string, unknown> | string> {
    const info = this.topicInfo(topic);
    if (!info) return value;
    try {
      const bytes = await this.serde.encode(valueSubject(topic), this.schemas.registrySchema(info.record), value);
      return (await this.serde.decode(bytes)).value as Record<string, unknown>;
    } catch (error) {
      if (error instanceof AvroEncodeError) return `not a valid ${info.record} for ${topic}: ${error.problems.join('; ')}`;
      throw error;
    }
  }

  private topicInfo(topic: string): TopicInfo | undefined {
    return this.schemas.topics().find((info) => info.topic === topic);
  }

  private located(at: ConfigPath, message: string): string {
    return formatConfigIssue(this.yaml.issueAt(at, 'VALUE_INVALID', message));
  }
}

/** How a case names a destination under `expect`. */
export function destinationLabel(destination: FlowDestination): string {
  return 'topic' in destination ? destination.topic : `connector:${destination.connector}`;
}

/** Decoded Avro values are record instances; compared and shown in their JSON form. */
function jsonForm(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
