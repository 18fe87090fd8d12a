import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { AvroSerde } from '../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import { formatConfigIssue, type ConfigIssue } from '../platform/config/config-issue.js';
import { ConfigError, describeError, HubError } from '../core/hub-error.js';
import type { ConsumerGroupRef } from '../platform/kafka/consumer-lag.js';
import type { HubProducer, KafkaClient } from '../platform/kafka/kafka-client.js';
import type { Logger } from '../platform/observability/logger.js';
import type { HubMetrics } from '../platform/observability/metrics/hub-metrics.js';
import { changelogTopicName, PartitionedChangelogStore } from '../platform/state/partitioned-changelog-store.js';
import type { CompiledFlow } from './compiled-flow.js';
import { duplicateFlowNameIssue } from './duplicate-flow-name.js';
import { compileFlowFile } from './flow-compiler.js';
import { isFlowFileName } from './flow-file-loader.js';
import { FlowFolderWatcher, type FlowFolderWatchOptions } from './flow-folder-watcher.js';
import { FlowInFlightLog } from './flow-in-flight-log.js';
import { FlowRunner, type FlowCounters } from './flow-runner.js';
import type { StepRegistry } from './flow-step.js';
import { TopicTable } from '../platform/state/topic-table.js';

export interface FlowStatus {
  name: string;
  file: string;
  state: 'running' | 'paused' | 'failed' | 'stopped';
  /** 1 for the version started first, +1 for each version a reload started. With `running`, `issues` are those of a refused newer version. */
  generation: number;
  issues?: string[];
  /** Of the running version; they start again from zero with each generation. */
  counters?: FlowCounters;
  lastError?: { code: string; message: string; at: string };
  /** The consumer group of the running version and the topics it reads, for consumer lag. */
  consumer?: ConsumerGroupRef;
  /** The stateful steps' state held by this process, one entry per step (/metrics, the dashboard). */
  stepState?: FlowStepStateStatus[];
}

/** The state one stateful step of a flow holds in this process. */
export interface FlowStepStateStatus {
  /** `steps[2].aggregate`. */
  step: string;
  /** Its consumer group (the stage that runs it), the repartition topic it reads and its changelog topic. */
  groupId: string;
  input: string;
  changelog: string;
  keys: number;
  timers: number;
  /** Approximate bytes of keys and values (JSON). */
  bytes: number;
  /** Partitions of its input held here. */
  partitions: number;
}

/** What a restart found: the flow as it is now, and the issues of its file when that is invalid (the last good version then runs on). */
export interface FlowRestart {
  status: FlowStatus;
  issues: ConfigIssue[];
}

export interface FlowRuntimeDeps {
  client: KafkaClient;
  serde: AvroSerde;
  schemas: SchemaCatalog;
  steps: StepRegistry;
  logger: Logger;
  /** Where flows count their records, errors and latencies; none when absent. */
  metrics?: HubMetrics;
  /**
   * A folder (in the hub's data directory) where each flow notes the records it is processing, so
   * that a record in flight during two process crashes is dead-lettered (FLOW_CRASHED) instead of
   * crashing the hub a third time. None: not noted.
   */
  inFlightDir?: string;
}

interface HostedFlow {
  file: string;
  generation: number;
  runner?: FlowRunner;
  /** The runners of the stages after the first (one per stateful step), when the flow has any. */
  stages?: FlowRunner[];
  tables: TopicTable[];
  issues?: ConfigIssue[];
}

/**
 * Hosts the flows of a folder (every *.yaml but *.test.yaml). A flow with issues, or whose name an
 * earlier file gives, is not started and is reported; the others run. With `watch`, a changed file
 * is compiled again: a valid new version replaces the running one (the consumer group resumes from
 * its committed offsets), an invalid one is reported and the last good version keeps running; the
 * flow of a removed file stops.
 */
export class FlowRuntime {
  private readonly flows = new Map<string, HostedFlow>();
  private watcher: FlowFolderWatcher | undefined;
  private reloads: Promise<void> = Promise.resolve();

  private constructor(
    private readonly deps: FlowRuntimeDeps,
    private readonly producer: HubProducer,
  ) {}

  /** `watch`: true, or how to watch (tests pass a clock and their own folder events). */
  static async start(dir: string, deps: FlowRuntimeDeps, options: { watch?: boolean | FlowFolderWatchOptions } = {}): Promise<FlowRuntime> {
    const runtime = new FlowRuntime(deps, await deps.client.producer());
    const files = fs.existsSync(dir)
      ? (await fsp.readdir(dir))
          .filter(isFlowFileName)
          .sort()
          .map((name) => path.join(dir, name))
      : [];
    for (const file of files) await runtime.load(file);
    if (options.watch && fs.existsSync(dir)) {
      runtime.watcher = new FlowFolderWatcher(dir, (file) => runtime.queueReload(file), options.watch === true ? {} : options.watch);
    }
    return runtime;
  }

  statuses(): FlowStatus[] {
    return [...this.flows.entries()].map(([name, hosted]) => describeFlow(name, hosted));
  }

  /** Throws FLOW_UNKNOWN for a name that is not hosted. */
  status(name: string): FlowStatus {
    return describeFlow(name, this.hosted(name));
  }

  /** Stops taking messages; in-flight batches finish. Kept across reloads and restarts until `resume`. */
  pause(name: string): FlowStatus {
    this.runningFlow(name, 'paused').pause();
    for (const stage of this.hosted(name).stages ?? []) stage.pause();
    return this.status(name);
  }

  resume(name: string): FlowStatus {
    this.runningFlow(name, 'resumed').resume();
    for (const stage of this.hosted(name).stages ?? []) stage.resume();
    return this.status(name);
  }

  /**
   * Compiles the flow's file again and starts it as a new generation, in turn with the reloads of
   * a watched folder. The flow may come back under another name when its file renamed it.
   */
  async restart(name: string): Promise<FlowRestart> {
    const { file } = this.hosted(name);
    const loading = this.reloads.then(() => this.load(file));
    this.reloads = loading.then(
      () => undefined,
      () => undefined,
    );
    let issues: ConfigIssue[];
    try {
      issues = await loading;
    } catch (error) {
      if (error instanceof HubError) throw error;
      throw new ConfigError(
        'FLOW_FILE_UNREADABLE',
        `flow ${name} cannot be restarted: ${file} cannot be read: ${describeError(error).message}`,
        { cause: error },
      );
    }
    const now = [...this.flows.entries()].find(([, hosted]) => hosted.file === file);
    if (!now) throw new ConfigError('FLOW_UNKNOWN', `flow ${name} is no longer hosted (${file})`);
    this.deps.logger.info(`flow ${name} restarted${issues.length > 0 ? `: ${file} is invalid, the last good version runs on` : ''}`);
    return { status: describeFlow(now[0], now[1]), issues };
  }

  runner(name: string): FlowRunner | undefined {
    return this.flows.get(name)?.runner;
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    await this.reloads;
    // Flows are independent: stopping them side by side keeps shutdown short.
    await Promise.all([...this.flows.values()].map((hosted) => this.stopHosted(hosted)));
    await this.producer.disconnect();
  }

  private hosted(name: string): HostedFlow {
    const hosted = this.flows.get(name);
    if (!hosted) throw new ConfigError('FLOW_UNKNOWN', `no flow named ${name}`);
    return hosted;
  }

  private runningFlow(name: string, becoming: string): FlowRunner {
    const hosted = this.hosted(name);
    if (!hosted.runner) {
      const why = hosted.issues ? `it failed: ${hosted.issues.map(formatConfigIssue).join('; ')}` : 'it is stopped';
      throw new HubError('FLOW_NOT_RUNNING', `flow ${name} cannot be ${becoming}: ${why}; restart it instead`);
    }
    return hosted.runner;
  }

  /** Compiles `file` and (re)starts its flow when it is valid; returns the issues found. */
  async load(file: string): Promise<ConfigIssue[]> {
    const { logger } = this.deps;
    const text = await fsp.readFile(file, 'utf8');
    const tables: TopicTable[] = [];
    const compiled = compileFlowFile(
      { file: path.relative(process.cwd(), file), text },
      {
        schemas: this.deps.schemas,
        steps: this.deps.steps,
        table: (topic: string) => {
          const table = new TopicTable(topic, this.deps.client, this.deps.serde, logger, { encodedRows: true });
          tables.push(table);
          return table;
        },
      },
    );
    let { flow, issues } = compiled;
    const previous = [...this.flows.entries()].find(([, hosted]) => hosted.file === file);
    // An operator's pause outlives a new version (read now: stopping the old one forgets its runner).
    const paused = previous?.[1].runner?.paused ?? false;
    // The flow's name hosted from another file: that file was renamed to this one when it is gone
    // (its rename may be told after this file's), else the names clash, as `crm-hub validate` says.
    const namesake = flow && flow.name !== previous?.[0] ? this.flows.get(flow.name) : undefined;
    if (flow && namesake && fs.existsSync(namesake.file)) {
      issues = [duplicateFlowNameIssue(flow, text, path.relative(process.cwd(), namesake.file))];
      await flow.close();
      flow = undefined;
    }
    if (!flow) {
      for (const issue of issues) logger.error(`flow file ${file}: ${formatConfigIssue(issue)}`);
      if (previous?.[1].runner) {
        // Shown in the status beside `running`, so an operator sees the edit was refused and why.
        previous[1].issues = issues;
        logger.error(`flow ${previous[0]}: the new version of ${file} is invalid; the last good version keeps running`);
      } else {
        logger.error(`flow file ${file} not started: ${issues.length} issue(s)`);
        this.flows.set(previous?.[0] ?? file, { file, generation: previous?.[1].generation ?? 0, tables: [], issues });
      }
      return issues;
    }
    try {
      if (previous) {
        await this.stopHosted(previous[1]);
        this.flows.delete(previous[0]);
      }
      if (namesake) {
        await this.stopHosted(namesake);
        this.flows.delete(flow.name);
        logger.info(`flow ${flow.name} stopped: ${namesake.file} was renamed to ${file}`);
      }
      for (const table of tables) await table.start();
      await Promise.all(tables.map((table) => table.ready));
      const stages = await this.startStages(flow, paused);
      const runner = this.runnerOf(flow, flow.state ? await this.openChangelog(flow) : undefined);
      // The runner pauses as soon as its consumer runs.
      if (paused) runner.pause();
      try {
        await runner.start();
      } catch (error) {
        await Promise.all(stages.map((stage) => stage.stop().catch(() => undefined)));
        throw error;
      }
      this.flows.set(flow.name, { file, generation: (previous?.[1].generation ?? 0) + 1, runner, stages, tables });
      logger.info(`flow ${flow.name} running (${file}: ${flow.from.join(', ')} → ${describeDestinations(flow)})`);
    } catch (error) {
      logger.error(`flow ${flow.name} failed to start: ${describeError(error).message}`);
      for (const table of tables) await table.stop().catch(() => undefined);
      this.flows.set(flow.name, {
        file,
        generation: previous?.[1].generation ?? 0,
        tables: [],
        issues: [{ file, line: 1, column: 1, path: '', code: 'VALUE_INVALID', message: describeError(error).message }],
      });
    }
    return [];
  }

  /** In turn with restarts and earlier reloads. */
  private queueReload(file: string): void {
    this.reloads = this.reloads.then(() => this.reload(file));
  }

  private async reload(file: string): Promise<void> {
    if (!fs.existsSync(file)) {
      const entry = [...this.flows.entries()].find(([, hosted]) => hosted.file === file);
      if (entry) {
        await this.stopHosted(entry[1]);
        this.flows.delete(entry[0]);
        this.deps.logger.info(`flow ${entry[0]} stopped: ${file} was removed`);
      }
      return;
    }
    this.deps.logger.info(`flow file ${file} changed: compiling it again`);
    await this.load(file).catch((error: unknown) => this.deps.logger.error(`reloading ${file} failed: ${describeError(error).message}`));
  }

  private async stopHosted(hosted: HostedFlow): Promise<void> {
    await Promise.all(
      [hosted.runner?.stop(), ...(hosted.stages ?? []).map((stage) => stage.stop()), ...hosted.tables.map((table) => table.stop())].map(
        (stopping) => stopping?.catch(() => undefined),
      ),
    );
    hosted.runner = undefined;
    hosted.stages = undefined;
  }

  private runnerOf(flow: CompiledFlow, changelog?: PartitionedChangelogStore<unknown>): FlowRunner {
    const name = flow.stageName ? `${flow.name}.${flow.stageName}` : flow.name;
    const inFlight = this.deps.inFlightDir === undefined ? undefined : new FlowInFlightLog(path.join(this.deps.inFlightDir, name));
    return new FlowRunner(
      flow,
      this.deps.client,
      this.producer,
      this.deps.serde,
      this.deps.schemas,
      this.deps.logger,
      this.deps.metrics?.component('flow', name),
      inFlight,
      changelog,
    );
  }

  /** The changelog of a stage's stateful step, partitioned like the stage's input, with the stage's state attached to it. */
  private async openChangelog(stage: CompiledFlow): Promise<PartitionedChangelogStore<unknown>> {
    const changelog = await PartitionedChangelogStore.open<unknown>(this.deps.client, this.producer, {
      topic: changelogTopicName(`flow.${stage.name}.${stage.stateName!}`),
      inputTopic: stage.from[0]!,
    });
    stage.state!.attach(changelog);
    return changelog;
  }

  /**
   * The stages after the first, each a consumer group of its stateful step's repartition topic with
   * the step's state in its changelog (see repartition.ts): the repartition topics are created with
   * as many partitions as the widest input, so that adding stages spreads nothing thinner than the input.
   */
  private async startStages(flow: CompiledFlow, paused: boolean): Promise<FlowRunner[]> {
    const stages = flow.stages ?? [];
    if (stages.length === 0) return [];
    const admin = await this.deps.client.admin();
    try {
      await admin.ensureTopics(flow.from.map((topic) => ({ topic })));
      const widths = await Promise.all(flow.from.map(async (topic) => (await admin.topicOffsets(topic)).length));
      await admin.ensureTopics((flow.repartitionTopics ?? []).map((topic) => ({ topic, partitions: Math.max(1, ...widths) })));
    } finally {
      await admin.disconnect();
    }
    const started: FlowRunner[] = [];
    try {
      for (const stage of stages) {
        const runner = this.runnerOf(stage, await this.openChangelog(stage));
        if (paused) runner.pause();
        await runner.start();
        started.push(runner);
      }
    } catch (error) {
      await Promise.all(started.map((runner) => runner.stop().catch(() => undefined)));
      throw error;
    }
    return started;
  }
}

function describeFlow(name: string, hosted: HostedFlow): FlowStatus {
  const runner = hosted.runner;
  return {
    name,
    file: hosted.file,
    state: runner ? (runner.paused ? 'paused' : 'running') : hosted.issues ? 'failed' : 'stopped',
    generation: hosted.generation,
    issues: hosted.issues?.map(formatConfigIssue),
    counters: runner ? flowCounters(runner, hosted.stages ?? []) : undefined,
    lastError: runner ? flowCounters(runner, hosted.stages ?? []).lastError : undefined,
    consumer: runner ? { groupId: runner.groupId, topics: runner.flow.from } : undefined,
    ...stepStateOf(runner, hosted.stages ?? []),
  };
}

/** A staged flow's counters: records in at its first stage, out of the flow (not to its own repartition topics), failures of every stage. */
function flowCounters(first: FlowRunner, stages: readonly FlowRunner[]): FlowCounters {
  const counters = { ...first.counters };
  for (const stage of stages) {
    counters.recordsOut += stage.counters.recordsOut;
    counters.deadLettered += stage.counters.deadLettered;
    counters.failures += stage.counters.failures;
    const last = stage.counters.lastError;
    if (last && (!counters.lastError || last.at > counters.lastError.at)) counters.lastError = last;
  }
  return counters;
}

/** The state each stateful stage holds here, when the flow has any. */
function stepStateOf(first: FlowRunner | undefined, stages: readonly FlowRunner[]): { stepState?: FlowStepStateStatus[] } {
  const stateful = [...(first ? [first] : []), ...stages].filter((runner) => runner.flow.state !== undefined);
  return stateful.length === 0 ? {} : { stepState: stateful.map(stepStateStatus) };
}

function stepStateStatus(runner: FlowRunner): FlowStepStateStatus {
  const state = runner.flow.state!;
  return {
    step: state.name,
    groupId: runner.groupId,
    input: runner.flow.from[0]!,
    changelog: changelogTopicName(`flow.${runner.flow.name}.${runner.flow.stateName!}`),
    ...state.size(),
  };
}

function describeDestinations(flow: CompiledFlow): string {
  return flow.to.map((d) => ('topic' in d ? d.topic : `connector ${d.connector}`)).join(', ') || 'routes';
}
