/**
 * Entry point of one benchmark's own Node process, forked by the runner with the context in
 * CRM_HUB_BENCH_CONTEXT. A process per benchmark keeps one benchmark's heap and JIT state out of the
 * next one's figures, and makes the process's peak RSS that benchmark's own.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeError } from '../../src/core/hub-error.js';
import { KafkajsClient } from '../../src/platform/kafka/kafkajs-client.js';
import { BENCHMARK_LOADERS } from './benchmark-catalog.js';
import type { BenchmarkContext } from './benchmark.js';
import type { BenchmarkProcessInput, BenchmarkProcessMessage } from './benchmark-process-protocol.js';

const input = JSON.parse(process.env.CRM_HUB_BENCH_CONTEXT ?? '{}') as BenchmarkProcessInput;

async function main(): Promise<BenchmarkProcessMessage> {
  const load = BENCHMARK_LOADERS[input.name];
  if (!load) return { kind: 'failed', code: 'BENCH_UNKNOWN', message: `no benchmark named ${input.name}` };
  const benchmark = await load();
  const workDir = input.workDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), `crm-hub-bench-${input.name}-`)));
  await fs.mkdir(workDir, { recursive: true });
  const names: string[] = [];
  const context: BenchmarkContext = {
    brokers: input.brokers,
    registryUrl: input.registryUrl,
    quick: input.quick,
    workDir,
    uniqueName: (prefix) => {
      const name = `${prefix}-${randomUUID().slice(0, 8)}`;
      names.push(name);
      return name;
    },
    log: (message) => process.stderr.write(`[${input.name}] ${message}\n`),
  };
  try {
    const result = await benchmark.run(context);
    return { kind: 'result', description: benchmark.description, result, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  } catch (error) {
    const { code, message } = describeError(error);
    return { kind: 'failed', code, message: error instanceof Error && error.stack ? `${message}\n${error.stack}` : message };
  } finally {
    await deleteTopics(names).catch((error: unknown) =>
      context.log(`could not delete the benchmark's topics: ${describeError(error).message}`),
    );
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** On an embedded broker everything goes with its folder; on a broker of KAFKA_BROKERS the topics would stay. */
async function deleteTopics(names: string[]): Promise<void> {
  if (names.length === 0) return;
  const admin = await new KafkajsClient({ brokers: input.brokers, requestRetries: 2 }).admin();
  try {
    const existing = new Set(await admin.listTopics());
    // Derived topics (dead letters, flow state) carry the unique name inside theirs.
    const ours = [...existing].filter((topic) => names.some((name) => topic.includes(name)));
    if (ours.length > 0) await admin.deleteTopics(ours);
  } finally {
    await admin.disconnect();
  }
}

const outcome = await main();
process.send?.(outcome, () => process.exit(outcome.kind === 'result' ? 0 : 1));
if (!process.send) {
  process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  process.exit(outcome.kind === 'result' ? 0 : 1);
}
