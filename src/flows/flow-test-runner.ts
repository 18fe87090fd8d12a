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
import type { LookupTable, StepRegistry } from './flow-step.js';
import { caseDifferences, type ActualDeadLetter, type ActualOutput, type ExpectedOutput } from './flow-test-expectation.js';
import {
  readFlowTestFile,
  type FlowTestCase,
  type FlowTestExpectation,
  type FlowTestFile,
  type FlowTestInput,
  type FlowTestSequenceItem,
} from './flow-test-file.js';
import { InMemoryFlowStages, type StageOutcome } from './flow-test-stages.js';
import { ManualClock } from '../core/manual-clock.js';
import { parseDuration } from '../core/duration.js';

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
 * runner executes, stage by stage (see InMemoryFlowStages): each input is encoded with its topic's
 * Avro schema and decoded again, as a producer and the runner would; each output is encoded with
 * its destination's schema and decoded as a consumer would, so a value the schema refuses fails
 * the case as it fails in production (a dead letter at `to <topic>`). Each case runs on its own
 * virtual clock and its state starts empty; lookup tables hold the file's `tables` rows, which
 * must be valid for their topic's schema too.
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
  const compile = (clock: ManualClock) =>
    compileFlowFile(
      { file: flowFile, text: flowText, env },
      { schemas: deps.schemas, steps: deps.steps, clock, table: (topic) => harness.table(topic) },
    );
  const first = compile(new ManualClock(Date.now()));
  issues.push(...first.issues);
  await first.flow?.close();
  if (!first.flow || issues.length > 0) return { file, flow: first.flow?.name, issues: issues.sort(compareConfigIssues), cases: [] };

  const cases: FlowTestCaseResult[] = [];
  for (const [index, testCase] of test.cases.entries()) {
    const start = testCase.clock ?? test.clock;
    const clock = new ManualClock(start === undefined ? Date.now() : Date.parse(start));
    // A fresh compilation per case: its steps' state starts empty; `restart` compiles it again over the same state.
    const stages = new InMemoryFlowStages(
      () => compile(clock).flow!,
      clock,
      (flow, outputs) => harness.deliver(flow, outputs),
    );
    try {
      const problems = await harness.run(stages, testCase, ['cases', index]);
      cases.push({ name: testCase.name, passed: problems.length === 0, problems });
    } finally {
      await stages.close();
    }
  }
  return { file, flow: first.flow.name, issues: [], cases };
}

interface LabeledOutput {
  label: string;
  output: ActualOutput;
}

/** What came out since the previous `expect`, by destination label, and the dead letters. */
class Collected {
  outputs = new Map<string, ActualOutput[]>();
  deadLetters: ActualDeadLetter[] = [];

  add(outcome: StageOutcome<LabeledOutput>): void {
    for (const { label, output } of outcome.delivered) this.outputs.set(label, [...(this.outputs.get(label) ?? []), output]);
    this.deadLetters.push(...outcome.deadLetters);
  }
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

  /**
   * Runs a case: `input` + `expect` as a sequence of the two. After each input message and each
   * `advance`, every stateful stage fires its due timers. An `expect` compares what came out since
   * the previous one; what comes out after the last must be nothing. A problem with an input (a
   * topic the flow does not read, a value its schema refuses) is reported instead of differences.
   */
  async run(stages: InMemoryFlowStages<LabeledOutput>, testCase: FlowTestCase, at: ConfigPath): Promise<string[]> {
    const sequence: { item: FlowTestSequenceItem; at: ConfigPath }[] = testCase.sequence
      ? testCase.sequence.map((item, index) => ({ item, at: [...at, 'sequence', index] }))
      : [
          { item: { input: testCase.input! }, at },
          { item: { expect: testCase.expect! }, at },
        ];
    const problems: string[] = [];
    const differences: string[] = [];
    let collected = new Collected();
    for (const { item, at: itemAt } of sequence) {
      if (item.input !== undefined) {
        for (const [index, input] of item.input.entries()) {
          const inputAt = [...itemAt, 'input', index];
          const message = await this.messageOf(stages.compiled, input, inputAt, problems);
          if (!message) continue;
          collected.add(await stages.input(message));
          collected.add(await stages.fireTimers());
        }
      } else if (item.advance !== undefined) {
        await stages.clock.advance(parseDuration(item.advance, 'advance'));
        collected.add(await stages.fireTimers());
      } else if (item.restart !== undefined) {
        await stages.restart();
      } else if (item.expect !== undefined) {
        const found = expectationDifferences(item.expect, collected);
        if (found.length > 0 && testCase.sequence)
          differences.push(this.located(itemAt, 'what came out since the previous expect differs:'));
        differences.push(...(testCase.sequence ? found.map((line) => `  ${line}`) : found));
        collected = new Collected();
      }
    }
    if (testCase.sequence) {
      const unexpected = expectationDifferences({ deadLetters: [] }, collected);
      if (unexpected.length > 0)
        differences.push(
          this.located([...at, 'sequence'], 'more came out after the last expect (end the sequence with an expect for it):'),
          ...unexpected.map((line) => `  ${line}`),
        );
    }
    return problems.length > 0 ? problems : differences;
  }

  /** An input as the flow reads it (its value through its topic's schema, its key the topic's business key by default); undefined when it has a problem (added to `problems`). */
  private async messageOf(flow: CompiledFlow, input: FlowTestInput, at: ConfigPath, problems: string[]): Promise<FlowMessage | undefined> {
    const topic = input.topic ?? flow.from[0]!;
    if (!flow.from.includes(topic)) {
      problems.push(this.located([...at, 'topic'], `flow ${flow.name} does not read ${topic} (from: ${flow.from.join(', ')})`));
      return undefined;
    }
    const value = await this.roundTrip(topic, input.value);
    if (typeof value === 'string') {
      problems.push(this.located([...at, 'value'], value));
      return undefined;
    }
    const info = this.topicInfo(topic);
    let key: string | null;
    try {
      key = input.key !== undefined ? input.key : info ? businessKeyOf(info, value) : null;
    } catch (error) {
      problems.push(this.located([...at, 'value'], describeError(error).message));
      return undefined;
    }
    return { key, value, headers: { ...(input.headers ?? {}) }, topic, schemaName: info?.record };
  }

  /**
   * The outputs one message (or timer) sent to real destinations, encoded as the runner encodes
   * them and decoded as a consumer would: all of them, or the first failure thrown (a dead letter).
   */
  async deliver(flow: CompiledFlow, results: FlowOutput[]): Promise<LabeledOutput[]> {
    const outputs: LabeledOutput[] = [];
    for (const { destination, message: out } of results) {
      const topic = 'topic' in destination ? destination.topic : connectorInputTopic(destination.connector);
      const schemaName = ('schema' in destination ? destination.schema : undefined) ?? this.topicInfo(topic)?.record ?? out.schemaName;
      if (!schemaName)
        throw new HubError('FLOW_OUTPUT_SCHEMA_UNKNOWN', `flow ${flow.name}: no schema for output topic ${topic}; name one with to.schema`);
      try {
        const bytes = await this.serde.encode(valueSubject(topic), this.schemas.registrySchema(schemaName), out.value);
        const decoded = await this.serde.decode(bytes);
        outputs.push({
          label: destinationLabel(destination),
          output: { key: out.key, value: jsonForm(decoded.value), headers: { ...out.headers } },
        });
      } catch (error) {
        throw error instanceof HubError && error.retriable ? error : new FlowStepError(flow.name, `to ${topic}`, error);
      }
    }
    return outputs;
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

/** The differences of what `collected` holds from an `expect`. */
function expectationDifferences(expect: FlowTestExpectation, collected: Collected): string[] {
  // The file schema checked every entry but deadLetters to be a list of expected outputs.
  const outputs = new Map(Object.entries(expect).filter(([label]) => label !== 'deadLetters') as [string, ExpectedOutput[]][]);
  return caseDifferences({ outputs, deadLetters: expect.deadLetters ?? [] }, collected);
}

/** How a case names a destination under `expect`. */
export function destinationLabel(destination: FlowDestination): string {
  return 'topic' in destination ? destination.topic : `connector:${destination.connector}`;
}

/** Decoded Avro values are record instances; compared and shown in their JSON form. */
function jsonForm(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
