import fs from 'node:fs/promises';
import path from 'node:path';
import type { BenchmarkResult } from './benchmark.js';
import type { MachineDetails } from './machine-details.js';

export interface BenchmarkOutcome {
  name: string;
  description?: string;
  status: 'ok' | 'failed';
  seconds: number;
  /** Peak RSS of the benchmark's own process, set-up included. */
  processPeakRssMiB?: number;
  result?: BenchmarkResult;
  error?: { code: string; message: string };
}

export interface BenchResults {
  startedAt: string;
  quick: boolean;
  seconds: number;
  machine: MachineDetails;
  benchmarks: BenchmarkOutcome[];
}

/** A file name from an ISO instant that every file system accepts (no colons). */
export function resultsFileName(startedAt: string): string {
  return `${startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`;
}

/**
 * Writes the results to `file` and a copy to latest.json beside the default folder's files.
 * Written through a temporary file so that an interrupted run never leaves half a JSON document.
 */
export async function writeResults(results: BenchResults, file: string, resultsDir: string): Promise<void> {
  const text = `${JSON.stringify(results, null, 2)}\n`;
  for (const target of [file, path.join(resultsDir, 'latest.json')]) {
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(`${target}.tmp`, text);
    await fs.rename(`${target}.tmp`, target);
  }
}
