import type avro from 'avsc';
import { closestNames } from '../core/closest-names.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import { compareConfigIssues, type ConfigIssue, type ConfigPath } from '../platform/config/config-issue.js';
import { compileConfigSchema } from '../platform/config/config-schema-compiler.js';
import { readConfigYaml, type ConfigYaml } from '../platform/config/config-yaml-reader.js';
import type { EnvResolutionOptions } from '../platform/config/env-references.js';
import { validateAgainstSchema } from '../platform/config/schema-issues.js';
import { configSecrets } from '../platform/observability/config-secrets.js';
import { registerSecret } from '../platform/observability/secret-registry.js';
import { describeError } from '../core/hub-error.js';
import { FlowStepError, type CompiledFlow, type FlowOutput, type TimerRun } from './compiled-flow.js';
import { flowDestinationIssues, unknownSchemaMessage } from './flow-destination-check.js';
import { FlowTopics, type FlowTopic } from './flow-topics.js';
import { connectorInputTopic } from '../connect/runtime/connector-input-topic.js';
import { flowFileSchema, type FlowFileSettings } from './flow-file-schema.js';
import { DEFAULT_EXPRESSION_LIMITS, type ExpressionLimits } from '../expressions/expression-limits.js';
import { flowIssueCode } from './flow-issue-code.js';
import type { FlowDestination, FlowMessage } from './flow-message.js';
import type { CompiledStep, LookupTable, StepCompileContext, StepRegistry } from './flow-step.js';
import { systemClock, type Clock } from '../core/clock.js';
import { parseDuration } from '../core/duration.js';
import { FlowState } from './state/flow-state.js';
import { repartitionTopicName, toRepartitioned } from './repartition.js';
import { keyText } from './steps/key-text.js';
import { allReady, whenReady, type MaybePromise } from '../core/maybe-promise.js';
import { positionInScalar } from './yaml-scalar-position.js';

export interface FlowFileSource {
  /** How the file is named in messages (as the user gave it). */
  file: string;
  text: string;
  /** For `${NAME}` references in the file; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** `crm-hub validate` defers `${NAME:?why}` references to the start of the hub. */
  envOptions?: EnvResolutionOptions;
}

/** What compiling a flow needs from its host: the runner gives Kafka-backed state and tables, `crm-hub test` in-memory ones. */
export interface FlowCompileDeps {
  schemas: SchemaCatalog;
  steps: StepRegistry;
  /** The wall clock stateful steps run on (idleness, `crm-hub test`'s virtual clock); default the system's. */
  clock?: Clock;
  /** The lookup table of a (compacted) topic. */
  table(topic: string): LookupTable;
}

/** Every issue of the file, in file order; `flow` only when there are none. */
export interface FlowCompilation {
  flow?: CompiledFlow;
  issues: ConfigIssue[];
}

interface StepInstance {
  /** `steps[2].map`, as dead letters name the step. */
  label: string;
  /** Its position in the file's `steps`. */
  index: number;
  compiled: CompiledStep;
  /** A stateful step's state (it asked for `keyedState()`). */
  state?: FlowState;
}

/**
 * The steps from one stateful step to the next (the first stage: those before the first): each
 * stage after the first reads its stateful step's repartition topic.
 */
interface Stage {
  steps: StepInstance[];
  /** The repartition topic this stage reads (none for the first). */
  topic?: string;
  /** Which of its steps keeps state: the first of a stage on a repartition topic; in the first stage, one that can keep its state on the input's own partitions. */
  stateful?: number;
}

/**
 * Checks a flow file completely and, when it has no issue, compiles it into plain functions once:
 * YAML and `${ENV}`, the file's own settings (defaults applied), each step's type and its config
 * against the type's spec, then the step's own compilation, which checks field names against the
 * record type arriving at the step (the record of the `from` topic, then each step's
 * `outputType`), and the destinations' schemas. Nothing is thrown for a bad file: every problem is
 * an issue with its position, inside an expression when the step says where.
 */
export function compileFlowFile(source: FlowFileSource, deps: FlowCompileDeps): FlowCompilation {
  const yaml = readConfigYaml(source.file, source.text, source.env ?? process.env, source.envOptions);
  for (const secret of yaml.envSecrets) registerSecret(secret);
  const issues = [...yaml.issues];
  const done = (): FlowCompilation => ({ issues: issues.sort(compareConfigIssues) });
  if (yaml.value === undefined) return done();
  if (yaml.value === null) {
    issues.push(yaml.issueAt([], 'CONFIG_EMPTY', 'the file is empty; expected a flow with name, from and steps'));
    return done();
  }
  if (!isObject(yaml.value)) {
    issues.push(yaml.issueAt([], 'TYPE_MISMATCH', 'must be a map with name, from and steps'));
    return done();
  }
  const root = yaml.value;
  issues.push(...validateAgainstSchema(compileConfigSchema(flowFileSchema), root, [], yaml));
  // Typed as what the schema yields, but not yet known to be valid: every value is checked before use.
  const settings = root as Partial<FlowFileSettings>;
  const name = typeof settings.name === 'string' ? settings.name : 'unnamed';
  const from =
    typeof settings.from === 'string'
      ? [settings.from]
      : Array.isArray(settings.from)
        ? settings.from.filter((topic) => typeof topic === 'string')
        : [];
  const to = destinationList(settings.to);

  const retry = settings.errors?.retry;
  if (
    retry &&
    typeof retry.initialDelayMs === 'number' &&
    typeof retry.maxDelayMs === 'number' &&
    retry.maxDelayMs < retry.initialDelayMs
  ) {
    issues.push(
      yaml.issueAt(
        ['errors', 'retry', 'maxDelayMs'],
        'VALUE_INVALID',
        `must be at least errors.retry.initialDelayMs (${retry.initialDelayMs})`,
      ),
    );
  }

  const items: unknown[] = Array.isArray(settings.steps) ? settings.steps : [];
  const steps: StepInstance[] = [];
  let stepsFailed = false;
  const stepDeps: FlowCompileDeps = deps;
  const idleTimeoutMs = idleTimeoutOf(settings.time, yaml, issues);
  const topics = flowTopicsOf(settings.topics, yaml, deps.schemas, issues);
  if (typeof settings.from === 'string') {
    if (!topics.has(settings.from)) issues.push(yaml.issueAt(['from'], 'TOPIC_UNKNOWN', topics.undeclaredMessage(settings.from)));
  } else if (Array.isArray(settings.from)) {
    settings.from.forEach((topic, index) => {
      if (typeof topic === 'string' && !topics.has(topic))
        issues.push(yaml.issueAt(['from', index], 'TOPIC_UNKNOWN', topics.undeclaredMessage(topic)));
    });
  }
  let type = inputTypeOf(from, topics, deps.schemas);
  const expressionLimits = limitsOf(settings.limits);
  for (const [index, item] of items.entries()) {
    const step = compileStep(index, item, type, {
      flowName: name,
      text: source.text,
      yaml,
      deps: stepDeps,
      issues,
      expressionLimits,
      topics,
      clock: deps.clock ?? systemClock,
      idleTimeoutMs,
    });
    if (!step) {
      stepsFailed = true;
      type = undefined;
      continue;
    }
    steps.push(step);
    type = step.compiled.outputType;
  }

  // Without `to`, only a route step can say where messages go (messages it sends nowhere are dropped).
  // So may a timeout whose `then` names a destination, when it passes nothing on.
  const routes = items.some(
    (item) =>
      isObject(item) && ('route' in item || (isObject(item.timeout) && isObject(item.timeout.then) && item.timeout.passThrough !== true)),
  );
  if (settings.to === undefined && !routes && Array.isArray(settings.steps)) {
    issues.push(yaml.issueAt(['to'], 'REQUIRED_MISSING', 'is required: no route step chooses where messages go'));
  }
  // After a step that failed to compile, or without steps to read (`stepz:`), the record type is unknown, so destinations are not held against it.
  const messageType = stepsFailed || !Array.isArray(settings.steps) ? undefined : type;
  if (Array.isArray(settings.to))
    settings.to.forEach((destination, index) =>
      issues.push(...flowDestinationIssues(destination, ['to', index], yaml, deps.schemas, topics, messageType)),
    );
  else if (settings.to !== undefined) issues.push(...flowDestinationIssues(settings.to, ['to'], yaml, deps.schemas, topics, messageType));

  if (issues.length > 0) {
    void closeSteps(steps);
    return done();
  }
  const stages = stagesOf(steps, from);
  issues.push(...routeBeforeStateIssues(steps, yaml));
  for (const step of steps)
    for (const [index, topic] of (step.compiled.sideInputs ?? []).entries())
      if (from.includes(topic))
        issues.push(
          yaml.issueAt(
            ['steps', step.index, step.label.split('.').at(-1)!, 'with'],
            'VALUE_INVALID',
            `${topic} is also in from: a topic is either the flow's input or the other side of a join (entry ${index})`,
          ),
        );
  if (issues.length > 0) {
    void closeSteps(steps);
    return done();
  }
  const complete = settings as FlowFileSettings;
  const sideTopics = steps.flatMap((step) => [...(step.compiled.sideInputs ?? [])]);
  const repartitionTopics = stages.flatMap((stage) => (stage.topic ? [stage.topic] : []));
  const common = {
    name,
    file: source.file,
    to,
    errors: {
      retry: {
        attempts: complete.errors.retry.attempts,
        initialDelayMs: complete.errors.retry.initialDelayMs,
        maxDelayMs: complete.errors.retry.maxDelayMs,
        multiplier: complete.errors.retry.multiplier,
      },
      deadLetterTopic: complete.errors.deadLetterTopic ?? `dlq.flow.${name}`,
    },
    concurrency: complete.concurrency,
    topics: ownTopics(complete.topics, deps.schemas),
    outputTopics: [...outputTopicsOf(to, items), ...repartitionTopics],
    close: () => closeSteps(steps),
  };
  const stageFlows = stages.map((stage, index): CompiledFlow => {
    const stateStep = stage.stateful === undefined ? undefined : stage.steps[stage.stateful]!;
    const state = stateStep?.state;
    const run = (message: FlowMessage) => processStage(name, stages, index, to, message);
    return {
      ...common,
      from: stage.topic ? [stage.topic] : [...from, ...sideTopics],
      stateful: state !== undefined,
      ...(stage.topic ? { stageName: `steps-${stage.steps[0]!.index}` } : {}),
      ...(stateStep ? { stateName: `steps-${stateStep.index}` } : {}),
      process: async (message) => run(message),
      processNow: run,
      ...(state ? { state, fireTimers: () => fireStageTimers(name, stages, index, to) } : {}),
      ...(index === 0 && stages.length > 1 ? { repartitionTopics } : {}),
      // Closing is the first stage's: every stage's steps are closed once.
      close: index === 0 ? common.close : async () => undefined,
    };
  });
  const flow: CompiledFlow = stageFlows.length > 1 ? { ...stageFlows[0]!, stages: stageFlows.slice(1) } : stageFlows[0]!;
  return { flow, issues: [] };
}

/**
 * Cuts the steps before each stateful one (see repartition.ts) — except where the input is already
 * partitioned as the step needs: a step keyed by the message's own key (dedupe), in the first
 * stage, on a single input topic, with no step before it that changes keys, keeps its state on the
 * input's partitions, as Kafka Streams does without a key change; no repartition topic, no extra hop.
 */
function stagesOf(steps: readonly StepInstance[], from: readonly string[]): Stage[] {
  const stages: Stage[] = [{ steps: [] }];
  let keysChanged = false;
  for (const step of steps) {
    const current = stages.at(-1)!;
    if (!step.state) {
      current.steps.push(step);
      if (/\.(set-key|split)$/.test(step.label)) keysChanged = true;
      continue;
    }
    const inPlace =
      step.compiled.partitionedByMessageKey === true &&
      !current.topic &&
      current.stateful === undefined &&
      !keysChanged &&
      from.length === 1 &&
      step.compiled.sideInputs === undefined;
    if (inPlace) {
      current.stateful = current.steps.length;
      current.steps.push(step);
    } else stages.push({ steps: [step], topic: repartitionTopicName(step.state.flowName, step.index), stateful: 0 });
  }
  return stages;
}

/** A route decides where a message goes in the end; before a stateful step its choice would have to survive the repartition topic. */
function routeBeforeStateIssues(steps: readonly StepInstance[], yaml: ConfigYaml): ConfigIssue[] {
  let lastStateful = -1;
  steps.forEach((step, position) => {
    if (step.state) lastStateful = position;
  });
  return steps
    .filter((step, position) => position < lastStateful && step.label.endsWith('.route'))
    .map((step) =>
      yaml.issueAt(
        ['steps', step.index, 'route'],
        'VALUE_INVALID',
        'a route chooses where messages go in the end: put it after the stateful steps (dedupe, aggregate, join, timeout)',
        'key',
      ),
    );
}

/** The file's `time.idleTimeout` in ms (default 1m); a bad one is reported. */
function idleTimeoutOf(value: unknown, yaml: ConfigYaml, issues: ConfigIssue[]): number {
  const text = isObject(value) && typeof value.idleTimeout === 'string' ? value.idleTimeout : '1m';
  try {
    return parseDuration(text, 'time.idleTimeout');
  } catch (error) {
    issues.push(yaml.issueAt(['time', 'idleTimeout'], 'VALUE_INVALID', describeError(error).message));
    return 60_000;
  }
}

/** The one record type every `from` topic carries, when they are declared topics of one record. */
function inputTypeOf(from: string[], topics: FlowTopics, schemas: SchemaCatalog): avro.Type | undefined {
  const records = new Set(from.map((topic) => topics.get(topic)?.record));
  const [record] = records;
  return records.size === 1 && record !== undefined ? schemas.type(record) : undefined;
}

/** topics.json and the flow's own `topics:`, each of which must name a record (issues otherwise). */
function flowTopicsOf(value: unknown, yaml: ConfigYaml, schemas: SchemaCatalog, issues: ConfigIssue[]): FlowTopics {
  const own: FlowTopic[] = [];
  if (isObject(value)) {
    for (const [topic, declaration] of Object.entries(value)) {
      if (!isObject(declaration) || typeof declaration.schema !== 'string') continue; // the file schema reported it
      if (!schemas.has(declaration.schema)) {
        issues.push(yaml.issueAt(['topics', topic, 'schema'], 'SCHEMA_UNKNOWN', unknownSchemaMessage(declaration.schema, schemas)));
        continue;
      }
      const type = schemas.type(declaration.schema);
      if (type.typeName !== 'record') {
        issues.push(
          yaml.issueAt(
            ['topics', topic, 'schema'],
            'VALUE_INVALID',
            `${declaration.schema} is an Avro ${type.typeName}; a topic holds records`,
          ),
        );
        continue;
      }
      const format = declaration.format === 'json' ? 'json' : 'avro';
      // Said again as topics.json says it is harmless; said otherwise, one of the two is wrong.
      const canonical = schemas.topics().find((info) => info.topic === topic);
      if (canonical && (canonical.record !== type.name || canonical.format !== format)) {
        issues.push(
          yaml.issueAt(
            ['topics', topic],
            'VALUE_INVALID',
            `schemas/topics.json declares ${topic} as ${canonical.format} ${canonical.record}, not ${format} ${type.name!}`,
            'key',
          ),
        );
        continue;
      }
      own.push({ topic, record: type.name!, format });
    }
  }
  return new FlowTopics(schemas, own);
}

function ownTopics(value: FlowFileSettings['topics'], schemas: SchemaCatalog): FlowTopic[] {
  return Object.entries(value ?? {}).map(([topic, declaration]) => ({
    topic,
    record: schemas.type(declaration.schema).name!,
    format: declaration.format === 'json' ? 'json' : 'avro',
  }));
}

/** Every topic the flow may write: its `to` and the destinations of its route steps, a sink connector's by its input topic (the runner creates them before it starts). */
function outputTopicsOf(to: readonly FlowDestination[], steps: readonly unknown[]): string[] {
  const topics = new Set(
    to.map((destination) => ('topic' in destination ? destination.topic : connectorInputTopic(destination.connector))),
  );
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (isObject(value)) {
      if (typeof value.topic === 'string') topics.add(value.topic);
      else if (typeof value.connector === 'string') topics.add(connectorInputTopic(value.connector));
      Object.values(value).forEach(collect);
    }
  };
  // A route's destinations, a timeout's `then` and a join's `onTimeout` are written to as well.
  for (const step of steps) {
    if (!isObject(step)) continue;
    if ('route' in step) collect(step.route);
    for (const type of ['timeout', 'join']) if (isObject(step[type])) collect([step[type].then, step[type].onTimeout]);
  }
  return [...topics];
}

interface CompileScope {
  clock: Clock;
  idleTimeoutMs: number;
  flowName: string;
  text: string;
  yaml: ConfigYaml;
  deps: FlowCompileDeps;
  /** Where every problem found goes. */
  issues: ConfigIssue[];
  expressionLimits: ExpressionLimits;
  topics: FlowTopics;
}

/** The step compiled, or undefined when it has issues (added to `issues`). */
function compileStep(
  index: number,
  item: unknown,
  inputType: avro.Type | undefined,
  { flowName, text, yaml, deps, issues, expressionLimits, topics, clock, idleTimeoutMs }: CompileScope,
): StepInstance | undefined {
  if (!isObject(item)) return undefined; // the file schema reported it
  const keys = Object.keys(item);
  if (keys.length !== 1) {
    const found = keys.length === 0 ? 'it has none' : `it has ${keys.length}: ${keys.join(', ')}`;
    issues.push(
      yaml.issueAt(
        ['steps', index],
        'VALUE_INVALID',
        `a step is a map of exactly one key, its type (e.g. "- filter: <expression>"); ${found}`,
      ),
    );
    return undefined;
  }
  const type = keys[0]!;
  const path: (string | number)[] = ['steps', index, type];
  const definition = deps.steps.get(type);
  if (!definition) {
    issues.push(yaml.issueAt(path, 'STEP_UNKNOWN', unknownStepMessage(type, deps.steps.types()), 'key'));
    return undefined;
  }
  const configIssues = validateAgainstSchema(compileConfigSchema(definition.spec as object), item[type], path, yaml);
  // Secrets of a step (enrich's HTTP headers, from ${ENV}) are never to appear in a log line.
  for (const secret of configSecrets(item[type], definition.spec)) registerSecret(secret);
  if (configIssues.length > 0) {
    issues.push(...configIssues);
    return undefined;
  }
  let reported = 0;
  let state: FlowState | undefined;
  const label = `steps[${index}].${type}`;
  const context: StepCompileContext = {
    path,
    inputType,
    schemas: deps.schemas,
    flowName,
    expressionLimits,
    topics,
    keyedState: () => {
      state ??= new FlowState(label, flowName, { clock, idleTimeoutMs });
      return state.view;
    },
    table: (topic) => deps.table(topic),
    report: (relativePath, code, message, at) => {
      reported++;
      issues.push(stepIssue(yaml, text, [...path, ...relativePath], code, message, at?.offset));
    },
  };
  let compiled: CompiledStep;
  try {
    compiled = definition.compile(item[type], context);
  } catch (error) {
    issues.push(yaml.issueAt(path, flowIssueCode(describeError(error).code), describeError(error).message));
    return undefined;
  }
  if (reported === 0 && state && !compiled.partitionBy) {
    reported++;
    issues.push(
      yaml.issueAt(path, 'STEP_INVALID', `step type ${type} keeps state but says nothing of the key it keeps it by (partitionBy)`),
    );
  }
  if (reported > 0) {
    void compiled.close?.();
    return undefined;
  }
  return { label, index, compiled, ...(state ? { state } : {}) };
}

/**
 * An issue a step reported at `path`. When it also says at which character (from 0) of the string
 * written there the problem is, as the expression compiler does, the issue points at that
 * character in the file rather than at the start of the string.
 */
function stepIssue(
  yaml: ConfigYaml,
  text: string,
  path: ConfigPath,
  code: string,
  message: string,
  offset: number | undefined,
): ConfigIssue {
  const issue = yaml.issueAt(path, flowIssueCode(code), message);
  const value = valueAt(yaml.value, path);
  if (offset === undefined || typeof value !== 'string') return issue;
  return { ...issue, ...positionInScalar(text, { line: issue.line, column: issue.column }, value, offset) };
}

export function unknownStepMessage(type: string, known: readonly string[]): string {
  const suggestions = closestNames(type, known, 1);
  const hint = suggestions.length > 0 ? `; did you mean "${suggestions[0]}"?` : '';
  return `unknown step type "${type}"${hint} (known: ${[...known].sort().join(', ')})`;
}

/**
 * A message through one stage: a stage after the first starts at its stateful step (`runSide` for
 * a join's other topic); the first hands a join's other topic straight to that join's stage. What
 * comes out goes to the next stage's repartition topic, keyed for its stateful step, or, after the
 * last stage (or when `final`), to its destinations. Synchronous until a step is not.
 */
function processStage(
  flow: string,
  stages: readonly Stage[],
  index: number,
  to: readonly FlowDestination[],
  message: FlowMessage,
): MaybePromise<FlowOutput[]> {
  const stage = stages[index]!;
  if (!stage.topic) {
    const sideStage = stages.findIndex((other) => other.topic && other.steps[0]?.compiled.sideInputs?.includes(message.topic));
    if (sideStage > 0) return repartitionOutputs(flow, stages[sideStage]!, [message], true);
    return whenReady(runSteps(flow, stage.steps, 0, [message]), (messages) => stageOutputs(flow, stages, index, to, messages));
  }
  const first = stage.steps[0]!;
  const side = first.compiled.runSide && first.compiled.sideInputs?.includes(message.topic);
  let entered: MaybePromise<FlowMessage[]>;
  try {
    entered = side ? first.compiled.runSide!(message) : first.compiled.run(message);
  } catch (error) {
    throw new FlowStepError(flow, first.label, error);
  }
  const started =
    entered instanceof Promise ? entered.catch((error: unknown) => Promise.reject(new FlowStepError(flow, first.label, error))) : entered;
  return whenReady(
    whenReady(started, (messages) => runSteps(flow, stage.steps, 1, messages)),
    (messages) => stageOutputs(flow, stages, index, to, messages),
  );
}

/**
 * Inside the stage's `state.exclusive`: the timers due, each through the steps after the stateful
 * one. A timer whose messages fail is given back with its error (the runner dead-letters it); the
 * others' outputs go on. Every timer taken is tombstoned either way: a failure repeats, it would not
 * heal by firing again.
 */
async function fireStageTimers(flow: string, stages: readonly Stage[], index: number, to: readonly FlowDestination[]): Promise<TimerRun> {
  const stage = stages[index]!;
  const position = stage.stateful!;
  const stateful = stage.steps[position]!;
  const run: TimerRun = { outputs: [], failed: [] };
  for (const timer of stateful.state!.takeDue()) {
    if (!stateful.compiled.onTimer) continue;
    try {
      let messages: FlowMessage[];
      try {
        messages = await stateful.compiled.onTimer(timer);
      } catch (error) {
        throw new FlowStepError(flow, stateful.label, error);
      }
      run.outputs.push(...(await stageOutputs(flow, stages, index, to, await runSteps(flow, stage.steps, position + 1, messages))));
    } catch (error) {
      run.failed.push({ timer, error });
    }
  }
  return run;
}

/** Where the messages a stage made go: the next stage's repartition topic, or their destinations. */
function stageOutputs(
  flow: string,
  stages: readonly Stage[],
  index: number,
  to: readonly FlowDestination[],
  messages: FlowMessage[],
): MaybePromise<FlowOutput[]> {
  const next = stages[index + 1];
  const onward = next ? messages.filter((message) => !message.final) : [];
  const done = next ? messages.filter((message) => message.final) : messages;
  const outputs = done.flatMap((out) => (out.destinations ?? to).map((destination) => ({ destination, message: out })));
  if (onward.length === 0) return outputs;
  return whenReady(repartitionOutputs(flow, next!, onward, false), (more) => [...outputs, ...more]);
}

/** The messages keyed for `stage`'s stateful step (its other side's key for a join's `with` topic), to its repartition topic. */
function repartitionOutputs(flow: string, stage: Stage, messages: FlowMessage[], side: boolean): MaybePromise<FlowOutput[]> {
  const step = stage.steps[0]!;
  const keyOf = side ? step.compiled.sidePartitionBy : step.compiled.partitionBy;
  const keyed: MaybePromise<FlowOutput>[] = messages.map((message) => {
    let key: unknown;
    try {
      key = keyOf?.(message);
    } catch (error) {
      throw new FlowStepError(flow, step.label, error);
    }
    return whenReady(key as MaybePromise<unknown>, (value) => {
      let text: string | null;
      try {
        text = value === undefined || value === null ? null : keyText(value, `${step.label} key`);
      } catch (error) {
        throw new FlowStepError(flow, step.label, error);
      }
      return { destination: { topic: stage.topic! }, message: toRepartitioned(message, text) };
    });
  });
  return allReady(keyed);
}

function runSteps(flow: string, steps: readonly StepInstance[], index: number, messages: FlowMessage[]): MaybePromise<FlowMessage[]> {
  const step = steps[index];
  if (!step || messages.length === 0) return messages;
  return whenReady(runStep(flow, step, messages, 0, []), (next) => runSteps(flow, steps, index + 1, next));
}

/** One step on `messages` from `from` on, in order (a message waits for the one before it), into `next`. */
function runStep(
  flow: string,
  step: StepInstance,
  messages: FlowMessage[],
  from: number,
  next: FlowMessage[],
): MaybePromise<FlowMessage[]> {
  for (let index = from; index < messages.length; index++) {
    // A timeout's `then` or a join's `onTimeout` goes where it says as it is: no later step sees it.
    if (messages[index]!.final) {
      next.push(messages[index]!);
      continue;
    }
    let result: FlowMessage[] | Promise<FlowMessage[]>;
    try {
      result = step.compiled.run(messages[index]!);
      if (Array.isArray(result)) {
        next.push(...result);
        continue;
      }
    } catch (error) {
      throw new FlowStepError(flow, step.label, error);
    }
    return Promise.resolve(result).then(
      (resolved) => {
        try {
          next.push(...resolved);
        } catch (error) {
          throw new FlowStepError(flow, step.label, error);
        }
        return runStep(flow, step, messages, index + 1, next);
      },
      (error: unknown) => {
        throw new FlowStepError(flow, step.label, error);
      },
    );
  }
  return next;
}

async function closeSteps(steps: readonly StepInstance[]): Promise<void> {
  await Promise.allSettled(steps.map((step) => step.compiled.close?.()));
}

/** The file's `limits` (defaults applied by the schema); a value the schema refused falls back to its default, the issue being reported. */
function limitsOf(value: unknown): ExpressionLimits {
  const given = isObject(value) ? value : {};
  const valid = (name: keyof ExpressionLimits): number =>
    typeof given[name] === 'number' && Number.isInteger(given[name]) && given[name] > 0 ? given[name] : DEFAULT_EXPRESSION_LIMITS[name];
  return { expressionTimeoutMs: valid('expressionTimeoutMs'), expressionDepth: valid('expressionDepth') };
}

function destinationList(value: unknown): FlowDestination[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .filter(isObject)
    .map((destination) =>
      typeof destination.connector === 'string'
        ? { connector: destination.connector }
        : { topic: String(destination.topic), ...(typeof destination.schema === 'string' ? { schema: destination.schema } : {}) },
    );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(data: unknown, path: ConfigPath): unknown {
  let current = data;
  for (const segment of path)
    current = typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[segment] : undefined;
  return current;
}
