/**
 * What every benchmark module exports, and what it hands back. A benchmark runs in a Node process
 * of its own (see benchmark-process.ts) so that its memory figures are its own.
 */

export interface BenchmarkContext {
  /** Bootstrap servers of the broker the runner started or was given. */
  brokers: string[];
  /** Confluent-compatible base URL of the schema registry. */
  registryUrl: string;
  /** `--quick`: smaller sizes, about two minutes for the whole suite. */
  quick: boolean;
  /** A folder of the benchmark's own, removed after it. */
  workDir: string;
  /** A topic (or group, flow) name nobody else uses; topics named so are deleted after the benchmark. */
  uniqueName(prefix: string): string;
  /** Progress on stderr; the table and the JSON file carry the figures. */
  log(message: string): void;
}

/** The figure a ratio is taken against: measured in the same run, on the same machine. */
export interface Baseline {
  name: string;
  value: number;
  unit: string;
}

export interface Figure {
  /** e.g. `flow msg/s`. */
  name: string;
  value: number;
  unit: string;
  /** What exactly was timed or measured, in a sentence: shown in the JSON file and the README. */
  measured: string;
  baseline?: Baseline;
}

export interface BenchmarkResult {
  figures: Figure[];
  /** Said under the table: which client a baseline used, a deviation from the wording. */
  notes?: string[];
  /** Further numbers for the JSON file (counts, sizes, settings). */
  details?: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(context: BenchmarkContext): Promise<BenchmarkResult>;
}

/** figure / baseline, when both exist and the baseline is not zero. */
export function ratioOf(figure: Figure): number | undefined {
  if (!figure.baseline || figure.baseline.value === 0) return undefined;
  return figure.value / figure.baseline.value;
}
