import { fileURLToPath } from 'node:url';
import type { FlowCounters } from '../../src/flows/flow-runner.js';
import { BenchError } from '../runner/bench-error.js';
import { HelperProcess } from './helper-process.js';

const ENTRY = fileURLToPath(new URL('./flow-process.ts', import.meta.url));

export interface FlowProcessSettings {
  brokers: string[];
  registryUrl: string;
  /** A folder of this process's own for the flow file: processes of one flow must not write one file at once. */
  dir: string;
  name: string;
  yaml: string;
}

export type FlowProcessCommand = { kind: 'pause' } | { kind: 'resume' } | { kind: 'counters' };

type FlowProcessEvent = { kind: 'first-record'; atMs: number };

/**
 * A flow in a forked process of its own (flow-process.ts): several of one flow name are one
 * consumer group spread over processes, as hub processes scaled out are.
 */
export class ForkedFlow {
  private firstRecord: ((atMs: number) => void) | undefined;

  private constructor(
    readonly label: string,
    private readonly helper: HelperProcess<FlowProcessCommand, FlowProcessEvent>,
    readonly groupId: string,
  ) {
    helper.onEvent((event) => {
      if (event.kind === 'first-record') this.firstRecord?.(event.atMs);
    });
  }

  static async start(label: string, settings: FlowProcessSettings): Promise<ForkedFlow> {
    const { helper, info } = await HelperProcess.start<FlowProcessCommand, FlowProcessEvent>(
      label,
      ENTRY,
      { CRM_HUB_BENCH_FLOW: JSON.stringify(settings) },
      120_000,
    );
    return new ForkedFlow(label, helper, (info as { groupId: string }).groupId);
  }

  pause(): Promise<FlowCounters> {
    return this.helper.request({ kind: 'pause' }, 30_000);
  }

  counters(): Promise<FlowCounters> {
    return this.helper.request({ kind: 'counters' }, 30_000);
  }

  /**
   * Resumes the flow; `firstRecord` resolves with the instant (epoch milliseconds, sub-millisecond
   * precision: performance.timeOrigin + performance.now()) it took its first record afterwards.
   */
  async resume(timeoutMs: number): Promise<{ firstRecord: Promise<number> }> {
    const firstRecord = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new BenchError('BENCH_CONSUMER_STALLED', `${this.label} took no record within ${Math.round(timeoutMs / 1000)} s of resuming`),
          ),
        timeoutMs,
      );
      this.firstRecord = (atMs) => {
        clearTimeout(timer);
        this.firstRecord = undefined;
        resolve(atMs);
      };
    });
    // A stalled process fails its timing; until then nobody may be left holding an unhandled rejection.
    firstRecord.catch(() => undefined);
    await this.helper.request({ kind: 'resume' }, 30_000);
    return { firstRecord };
  }

  stop(): Promise<void> {
    return this.helper.stop(20_000);
  }
}
