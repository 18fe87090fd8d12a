import type { ManualClock } from '../core/manual-clock.js';
import { describeError } from '../core/hub-error.js';
import { InMemoryPartitionedState } from '../platform/state/partitioned-state.js';
import { FlowStepError, type CompiledFlow, type FlowOutput } from './compiled-flow.js';
import type { FlowMessage } from './flow-message.js';
import { fromRepartitioned, isRepartitionTopic } from './repartition.js';
import type { FlowState } from './state/flow-state.js';
import type { FlowStateJournal } from './state/flow-state-journal.js';

/** `crm-hub test` holds the state of each stateful step in one partition: a case has no parallelism to model. */
const PARTITION = 0;

/** An input, timer or output whose processing failed, as the runner would dead-letter it. */
export interface StageDeadLetter {
  key: string | null;
  code: string;
  /** `steps[1].validate`, `to <topic>` for an output its schema refuses, or `flow`. */
  step: string;
  message: string;
}

/** What one input (or one timer run) led to, through every stage: delivered outputs in order, and dead letters. */
export interface StageOutcome<Delivered> {
  delivered: Delivered[];
  deadLetters: StageDeadLetter[];
}

/**
 * Delivers the outputs one message (or timer) sent to real destinations: all of them, or it throws
 * and the message is a dead letter instead (its state changes rolled back), as the runner does.
 */
export type StageDelivery<Delivered> = (flow: CompiledFlow, outputs: FlowOutput[]) => Promise<Delivered[]>;

/**
 * A compiled flow's stages run in memory as the hub runs them on Kafka, for `crm-hub test`: a
 * stateful stage processes each message inside its state's `exclusive` (changes journaled, rolled
 * back when the message fails, flushed after its outputs); what a stage sends to the next stage's
 * repartition topic is handed to that stage at once, in order, as the record the next stage would
 * read (its own key restored); timers fire when told, on the virtual clock. The state lives in
 * `InMemoryPartitionedState`s that outlive a `restart`, which compiles the flow again and reads
 * the state back, as a hub started after a crash does.
 */
export class InMemoryFlowStages<Delivered> {
  private flow: CompiledFlow;
  private readonly stores = new Map<number, InMemoryPartitionedState<unknown>>();

  constructor(
    private readonly compile: () => CompiledFlow,
    readonly clock: ManualClock,
    private readonly deliver: StageDelivery<Delivered>,
  ) {
    this.flow = compile();
    this.attachStates();
  }

  /** The first stage: what inputs are checked against (`from`) and named by. */
  get compiled(): CompiledFlow {
    return this.flow;
  }

  /** A message read from one of the flow's input topics, through every stage it reaches. */
  async input(message: FlowMessage): Promise<StageOutcome<Delivered>> {
    const outcome: StageOutcome<Delivered> = { delivered: [], deadLetters: [] };
    await this.processAt(0, message, outcome);
    return outcome;
  }

  /**
   * Every stateful stage fires the timers its watermark (moved on by idleness on the virtual
   * clock) reached, earliest stage first, so that what a timer sends on is processed by the later
   * stages before their own timers fire.
   */
  async fireTimers(): Promise<StageOutcome<Delivered>> {
    const outcome: StageOutcome<Delivered> = { delivered: [], deadLetters: [] };
    const stages = this.stages();
    for (const stage of stages) {
      const state = stage.state;
      if (!state || !stage.fireTimers) continue;
      const onward = await state.exclusive(PARTITION, undefined, async (journal) => {
        const run = await stage.fireTimers!();
        for (const { timer, error } of run.failed) outcome.deadLetters.push(deadLetterOf(timer.id, error));
        const next: Handed[] = [];
        // One output at a time, as the runner encodes them: a timer's output its destination refuses does not take the others with it.
        for (const output of run.outputs) {
          try {
            if (isHandedOn(output)) next.push(readBack(stage, output));
            else outcome.delivered.push(...(await this.deliver(stage, [output])));
          } catch (error) {
            outcome.deadLetters.push(deadLetterOf(output.message.key, error));
          }
        }
        await state.flush(journal);
        return next;
      });
      await this.handOn(onward, outcome);
    }
    return outcome;
  }

  /** The flow compiled again over the same state, each stateful stage reading its partition back as after a crash. */
  async restart(): Promise<void> {
    await this.flow.close();
    this.flow = this.compile();
    this.attachStates();
  }

  close(): Promise<void> {
    return this.flow.close();
  }

  private stages(): CompiledFlow[] {
    return [this.flow, ...(this.flow.stages ?? [])];
  }

  private attachStates(): void {
    this.stages().forEach((stage, index) => {
      if (!stage.state) return;
      const store = this.stores.get(index)?.reopen() ?? new InMemoryPartitionedState<unknown>(1);
      store.assign([PARTITION]);
      stage.state.attach(store);
      this.stores.set(index, store);
    });
  }

  private async processAt(index: number, message: FlowMessage, outcome: StageOutcome<Delivered>): Promise<void> {
    const stage = this.stages()[index]!;
    const run = async (): Promise<Handed[]> => {
      const outputs = await stage.process(message);
      const next = outputs.filter(isHandedOn).map((output) => readBack(stage, output));
      const delivered = await this.deliver(
        stage,
        outputs.filter((output) => !isHandedOn(output)),
      );
      outcome.delivered.push(...delivered);
      return next;
    };
    let onward: Handed[];
    try {
      // Watermarks are kept per topic the message came from (restored from the repartition topic's
      // headers): a join's two sides move its event time on each for itself, the later side's records
      // do not close the earlier side's waits.
      onward = stage.state ? await within(stage.state, message.topic, run) : await run();
    } catch (error) {
      outcome.deadLetters.push(deadLetterOf(message.key, error));
      return;
    }
    await this.handOn(onward, outcome);
  }

  /** Messages sent to repartition topics, in order, to the stage reading each. */
  private async handOn(messages: Handed[], outcome: StageOutcome<Delivered>): Promise<void> {
    for (const { topic, message } of messages) {
      const index = this.stages().findIndex((stage) => stage.from.includes(topic));
      if (index < 0) {
        outcome.deadLetters.push({ key: message.key, code: 'FLOW_STAGE_UNKNOWN', step: 'flow', message: `no stage reads ${topic}` });
        continue;
      }
      await this.processAt(index, message, outcome);
    }
  }
}

/** A message on its way to the stage that reads `topic`. */
interface Handed {
  topic: string;
  message: FlowMessage;
}

function isHandedOn(output: FlowOutput): boolean {
  return 'topic' in output.destination && isRepartitionTopic(output.destination.topic);
}

/**
 * The message the next stage reads back from a repartition topic: its value through JSON as the
 * runner writes it there, its own key, topic and headers restored. A value JSON cannot carry fails
 * the message at `to <topic>`, as encoding it fails in production.
 */
function readBack(stage: CompiledFlow, output: FlowOutput): Handed {
  const topic = (output.destination as { topic: string }).topic;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(JSON.stringify(output.message.value)) as Record<string, unknown>;
  } catch (error) {
    throw new FlowStepError(stage.name, `to ${topic}`, error);
  }
  return { topic, message: fromRepartitioned(value, output.message.headers).message };
}

/**
 * One message of a stateful stage as the runner handles a batch of one: its state changes rolled
 * back when it fails, the journal flushed either way (the watermark it moved stays moved).
 */
function within<T>(state: FlowState, topic: string, work: () => Promise<T>): Promise<T> {
  return state.exclusive(PARTITION, topic, async (journal: FlowStateJournal) => {
    const mark = journal.mark();
    try {
      const result = await work();
      await state.flush(journal);
      return result;
    } catch (error) {
      journal.rollback(mark);
      await state.flush(journal);
      throw error;
    }
  });
}

function deadLetterOf(key: string | null, error: unknown): StageDeadLetter {
  const { code, message } = describeError(error);
  return { key, code, step: error instanceof FlowStepError ? error.step : 'flow', message };
}
