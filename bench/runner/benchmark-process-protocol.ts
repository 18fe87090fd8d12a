import type { BenchmarkResult } from './benchmark.js';

/** What the runner hands a benchmark process (as JSON in CRM_HUB_BENCH_CONTEXT). */
export interface BenchmarkProcessInput {
  name: string;
  brokers: string[];
  registryUrl: string;
  quick: boolean;
  /** A folder inside the run's own, so that it goes with the run even when this process is killed. */
  workDir?: string;
}

/** The one message a benchmark process sends back before it exits. */
export type BenchmarkProcessMessage =
  | { kind: 'result'; description: string; result: BenchmarkResult; peakRssBytes: number }
  | { kind: 'failed'; code: string; message: string };
