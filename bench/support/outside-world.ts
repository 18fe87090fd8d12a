import { fileURLToPath } from 'node:url';
import type { ArrivalSummary } from './arrival-recorder.js';
import { HelperProcess } from './helper-process.js';
import type { PacedResult, PacedSettings } from './paced-load.js';
import type { SaturationResult, SaturationSettings } from './saturating-load.js';

const ENTRY = fileURLToPath(new URL('./outside-world-process.ts', import.meta.url));

export type OutsideWorldCommand =
  | { kind: 'saturate'; settings: SaturationSettings }
  | { kind: 'paced'; settings: PacedSettings }
  | { kind: 'arrivals'; runId: string; expected: number; timeoutMs: number };

/**
 * The load generator and the far-end receiver of the hub, in their own process (see
 * outside-world-process.ts): a benchmark's hub gets the CPU time its process would get in
 * production, and the generator's own cost never lands on the hub's event loop.
 */
export class OutsideWorld {
  private constructor(
    private readonly helper: HelperProcess<OutsideWorldCommand>,
    /** Where an http-sink should deliver; arrivals are timestamped against the send time in the body. */
    readonly arrivalsUrl: string,
  ) {}

  static async start(): Promise<OutsideWorld> {
    const { helper, info } = await HelperProcess.start<OutsideWorldCommand>('the load generator', ENTRY, {}, 60_000);
    return new OutsideWorld(helper, (info as { arrivalsUrl: string }).arrivalsUrl);
  }

  /** autocannon with `connections` closed loops for `seconds`. */
  saturate(settings: SaturationSettings): Promise<SaturationResult> {
    return this.helper.request({ kind: 'saturate', settings }, (settings.seconds + 120) * 1000);
  }

  /** An open loop at a fixed rate; resolves once every request was answered. */
  paced(settings: PacedSettings): Promise<PacedResult> {
    return this.helper.request({ kind: 'paced', settings }, (settings.seconds + 180) * 1000);
  }

  /** Waits until `expected` events of the run arrived at `arrivalsUrl` (or the timeout passed), then sums them up. */
  arrivals(runId: string, expected: number, timeoutMs: number): Promise<ArrivalSummary & { unreadable: number }> {
    return this.helper.request({ kind: 'arrivals', runId, expected, timeoutMs }, timeoutMs + 30_000);
  }

  stop(): Promise<void> {
    return this.helper.stop();
  }
}
