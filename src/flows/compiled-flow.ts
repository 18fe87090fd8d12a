import type { BackoffSettings } from '../platform/retry/retry-policy.js';
import { HubError } from '../core/hub-error.js';
import type { FlowDestination, FlowMessage } from './flow-message.js';
import type { MaybePromise } from '../core/maybe-promise.js';
import type { FlowTopic } from './flow-topics.js';
import type { FlowState } from './state/flow-state.js';
import type { FiredTimer } from './flow-step.js';

/** One message to emit and where. */
export interface FlowOutput {
  destination: FlowDestination;
  message: FlowMessage;
}

/**
 * A flow file compiled once into plain functions: what the Kafka runner (src/flows/flow-runner.ts)
 * and `crm-hub test` both execute, so a flow test exercises exactly the code that runs in production.
 */
export interface CompiledFlow {
  name: string;
  /** The file it was compiled from, for messages. */
  file: string;
  /** Topics it consumes. */
  from: string[];
  /** Where messages go when no `route` step chose for them. */
  to: FlowDestination[];
  errors: { retry: BackoffSettings; deadLetterTopic: string };
  /** Partitions handled at once (order is always kept within a partition). */
  concurrency: number;
  /** The topics the flow declares itself (`topics:`), beside those of schemas/topics.json. */
  topics?: FlowTopic[];
  /** Every topic the flow may write (its `to` and its route destinations): the runner creates them before it starts, as the broker creates none. */
  outputTopics?: string[];
  /**
   * Whether this stage begins with a stateful step (dedupe, aggregate, join, timeout): then `state`
   * is its state and the runner processes each batch inside `state.exclusive`.
   */
  stateful?: boolean;
  state?: FlowState;
  /** A stage after the first: `steps-<i>`, after its stateful step; its consumer group is `crm-hub.flow.<name>.<stageName>`. */
  stageName?: string;
  /** A stage with state: `steps-<i>` of its stateful step, which names its changelog `crm-hub.changelog.flow.<name>.<stateName>`. */
  stateName?: string;
  /** Inside `state.exclusive`: the timers due on the journal's partition, through the rest of the stage. */
  fireTimers?(): Promise<TimerRun>;
  /**
   * The stages after this one when the flow has stateful steps (on the first stage only): each
   * reads its stateful step's repartition topic (see repartition.ts) and runs as its own consumer group.
   */
  stages?: CompiledFlow[];
  /** The repartition topics of the stages (first stage only): created with as many partitions as the widest input. */
  repartitionTopics?: string[];
  /** Runs every step on one message; throws FlowStepError when a step fails. */
  process(message: FlowMessage): Promise<FlowOutput[]>;
  /**
   * `process`, answering at once while every step does (filters and maps on the expression fast
   * path), a promise only from the first step that returns one; a failing step is thrown, not
   * rejected. The runner's hot path, so that a message need not pass through the microtask queue.
   */
  processNow?(message: FlowMessage): MaybePromise<FlowOutput[]>;
  close(): Promise<void>;
}

/** What firing the due timers of a partition gave: outputs, and the timers whose processing failed (dead letters). */
export interface TimerRun {
  outputs: FlowOutput[];
  failed: { timer: FiredTimer; error: unknown }[];
}

/** A step failed on a message: names the flow and the step (`steps[2].map`) for the dead-letter headers. */
export class FlowStepError extends HubError {
  constructor(
    readonly flow: string,
    readonly step: string,
    cause: unknown,
  ) {
    const inner = cause instanceof HubError ? cause : undefined;
    super(inner?.code ?? 'FLOW_STEP_FAILED', `flow ${flow} ${step}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      retriable: inner?.retriable ?? false,
      cause,
    });
  }
}
