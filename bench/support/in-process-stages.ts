import type { Clock } from '../../src/core/clock.js';
import type { CompiledFlow, FlowOutput } from '../../src/flows/compiled-flow.js';
import type { FlowMessage } from '../../src/flows/flow-message.js';
import type { StepDefinition } from '../../src/flows/flow-step.js';
import { compileFlowFile } from '../../src/flows/flow-compiler.js';
import { fromRepartitioned } from '../../src/flows/repartition.js';
import { createStepRegistry } from '../../src/flows/step-registry.js';
import type { FlowState } from '../../src/flows/state/flow-state.js';
import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { InMemoryPartitionedState } from '../../src/platform/state/partitioned-state.js';
import { BenchError } from '../runner/bench-error.js';

/**
 * How many records of one partition a stateful stage takes in one journal (one `state.exclusive`,
 * one flush): about what a 1 MiB fetch of small records holds.
 */
export const STAGE_BATCH = 2_000;

/** A compiled flow file, its issues refused: a benchmark must not measure a flow that does not compile. */
export function compileBenchFlow(
  text: string,
  schemas: SchemaCatalog,
  options: { clock?: Clock; extraSteps?: readonly StepDefinition[] } = {},
): CompiledFlow {
  const { flow, issues } = compileFlowFile(
    { file: 'bench.yaml', text },
    {
      schemas,
      steps: createStepRegistry(options.extraSteps),
      ...(options.clock ? { clock: options.clock } : {}),
      table: () => {
        throw new BenchError('BENCH_NO_TABLE', 'the stateful benchmarks use no table');
      },
    },
  );
  if (!flow)
    throw new BenchError('BENCH_FLOW_INVALID', `the benchmark flow does not compile: ${issues.map((issue) => issue.message).join('; ')}`);
  return flow;
}

/** FNV-1a over the key's UTF-16 units: a stable spread of keys over partitions (Kafka's murmur2 would spread them as evenly). */
export function partitionOfKey(key: string | null, partitions: number): number {
  if (key === null) return 0;
  let hash = 0x811c9dc5;
  for (let at = 0; at < key.length; at++) hash = Math.imul(hash ^ key.charCodeAt(at), 0x01000193);
  return (hash >>> 0) % partitions;
}

/**
 * The bytes of keys and values a compacted changelog holds for this state once compacted: each live
 * key with its value as PartitionedChangelogStore writes it (JSON of the value and its expiry), without
 * Kafka's own per-record overhead.
 */
export function liveChangelogBytes(store: InMemoryPartitionedState<unknown>): number {
  let bytes = 0;
  for (const partition of store.assigned)
    for (const { key, value, expiresAt } of store.entries(partition))
      bytes += Buffer.byteLength(key) + Buffer.byteLength(JSON.stringify(expiresAt === undefined ? { value } : { value, expiresAt }));
  return bytes;
}

/**
 * A flow with one stateful step run in process, as the runner runs its two stages but with no
 * broker: the first stage's outputs for the repartition topic are written as the runner writes
 * them (JSON text of the value, the headers), spread over `partitions` by key, read back with
 * `fromRepartitioned` and handed to the stateful stage a batch of `STAGE_BATCH` records of one
 * partition at a time, inside `state.exclusive` with one flush per batch and the due timers fired
 * after it, over an `InMemoryPartitionedState` holding every partition.
 */
export class InProcessStages {
  readonly store: InMemoryPartitionedState<unknown>;
  readonly state: FlowState;
  private readonly stage: CompiledFlow;
  /** Records the stateful stage read per partition: the source offsets the stage notes. */
  private readonly offsets: number[];
  /** Outputs the flow gave for its destinations (after the stateful stage, or `final` ones). */
  outputs = 0;

  constructor(
    private readonly flow: CompiledFlow,
    readonly partitions: number,
    private readonly onOutput: (output: FlowOutput) => void = () => undefined,
  ) {
    const stage = flow.stages?.[0];
    if (!stage?.state || flow.stages!.length !== 1)
      throw new BenchError('BENCH_FLOW_INVALID', `flow ${flow.name} must have exactly one stateful step to run in process`);
    this.stage = stage;
    this.state = stage.state;
    this.store = new InMemoryPartitionedState(partitions);
    this.state.attach(this.store);
    this.store.assign([...Array(partitions).keys()]);
    this.offsets = Array<number>(partitions).fill(0);
  }

  get repartitionTopic(): string {
    return this.stage.from[0]!;
  }

  /** Messages of the flow's input through both stages; resolves once the stateful stage handled them (and fired what came due). */
  async push(messages: readonly FlowMessage[]): Promise<void> {
    const byPartition: FlowMessage[][] = Array.from({ length: this.partitions }, () => []);
    for (const message of messages) {
      const first = this.flow.processNow ? this.flow.processNow(message) : this.flow.process(message);
      for (const output of first instanceof Promise ? await first : first) {
        if (!('topic' in output.destination) || output.destination.topic !== this.repartitionTopic) {
          this.emit(output);
          continue;
        }
        // What the repartition topic's record carries, read back as the next stage's runner reads it.
        const text = JSON.stringify(output.message.value);
        const { message: read } = fromRepartitioned(JSON.parse(text) as Record<string, unknown>, output.message.headers);
        byPartition[partitionOfKey(output.message.key, this.partitions)]!.push(read);
      }
    }
    for (const [partition, list] of byPartition.entries())
      for (let from = 0; from < list.length; from += STAGE_BATCH) await this.batch(partition, list.slice(from, from + STAGE_BATCH));
  }

  /** The timers due on every partition (its watermark, moved on by idleness), fired as the runner's timer tick fires them. */
  async fireDue(): Promise<void> {
    for (const partition of this.state.assigned) {
      const next = this.state.nextDue(partition);
      const watermark = this.state.watermark(partition);
      if (next === undefined || watermark === undefined || next > watermark) continue;
      await this.state.exclusive(partition, undefined, async (journal) => {
        await this.fire();
        await this.state.flush(journal);
      });
    }
  }

  private async batch(partition: number, messages: readonly FlowMessage[]): Promise<void> {
    await this.state.exclusive(partition, this.repartitionTopic, async (journal) => {
      for (const message of messages) {
        const source = { topic: this.repartitionTopic, partition, offset: String(this.offsets[partition]!++) };
        // As the runner does for a record of a repartition topic: a record applied before changes nothing.
        if (this.state.applied(source)) continue;
        const out = this.stage.processNow ? this.stage.processNow(message) : this.stage.process(message);
        for (const output of out instanceof Promise ? await out : out) this.emit(output);
        this.state.noteApplied(source);
      }
      await this.fire();
      await this.state.flush(journal);
    });
  }

  private async fire(): Promise<void> {
    const run = await this.stage.fireTimers!();
    if (run.failed.length > 0)
      throw new BenchError('BENCH_TIMER_FAILED', `${run.failed.length} timers failed, the first: ${String(run.failed[0]!.error)}`);
    for (const output of run.outputs) this.emit(output);
  }

  private emit(output: FlowOutput): void {
    this.outputs++;
    this.onOutput(output);
  }
}
