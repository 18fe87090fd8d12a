import type { Benchmark } from './benchmark.js';

/**
 * Every benchmark by name, in the order they run: an explicit list, no registration by import.
 * Modules are loaded only when their benchmark runs, so a benchmark process loads just its own.
 */
export const BENCHMARK_LOADERS: Readonly<Record<string, () => Promise<Benchmark>>> = {
  'raw-passthrough': async () => (await import('../benchmarks/raw-passthrough.js')).rawPassthroughBenchmark,
  flow: async () => (await import('../benchmarks/flow-throughput.js')).flowThroughputBenchmark,
  'route-fan-out': async () => (await import('../benchmarks/route-fan-out.js')).routeFanOutBenchmark,
  dedupe: async () => (await import('../benchmarks/dedupe.js')).dedupeBenchmark,
  aggregate: async () => (await import('../benchmarks/aggregate.js')).aggregateBenchmark,
  join: async () => (await import('../benchmarks/join.js')).joinBenchmark,
  timers: async () => (await import('../benchmarks/timers.js')).timersBenchmark,
  'enrich-table': async () => (await import('../benchmarks/enrich-table.js')).enrichTableBenchmark,
  'identity-resolution': async () => (await import('../benchmarks/identity-resolution.js')).identityResolutionBenchmark,
  'peer-customer-job': async () => (await import('../benchmarks/peer-customer-job.js')).peerCustomerJobBenchmark,
  'webhook-ingest': async () => (await import('../benchmarks/webhook-ingest.js')).webhookIngestBenchmark,
  'end-to-end': async () => (await import('../benchmarks/end-to-end-latency.js')).endToEndLatencyBenchmark,
  'scale-out': async () => (await import('../benchmarks/scale-out.js')).scaleOutBenchmark,
  'steady-state-memory': async () => (await import('../benchmarks/steady-state-memory.js')).steadyStateMemoryBenchmark,
  'csv-import': async () => (await import('../benchmarks/csv-import.js')).csvImportBenchmark,
  'cli-help': async () => (await import('../benchmarks/cli-help.js')).cliHelpBenchmark,
};

export const BENCHMARK_NAMES: readonly string[] = Object.keys(BENCHMARK_LOADERS);
