/**
 * `node --import tsx bench/profile/flow-in-memory.ts [--records 20000] [--rounds 3] [--profile DIR]`
 *
 * The `flow` benchmark's flow (customerToDwFlow) run by a real FlowRuntime and FlowRunner on the
 * same varied customers, with no broker: batches go straight into the runner's batch handler and its
 * producer acknowledges at once (see handler-capturing-client.ts). What is timed is therefore the
 * hub's own work per message — decode, steps, encode, headers, journal, the batch's bookkeeping —
 * which is what a profile of the hot path should show without kafkajs and the network around it.
 * With --profile, the last round is recorded by V8's profiler into DIR/flow-in-memory.cpuprofile
 * and its top frames are printed.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AvroSerde } from '../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../src/platform/avro/in-memory-schema-registry.js';
import { FlowRuntime } from '../../src/flows/flow-runtime.js';
import { createStepRegistry } from '../../src/flows/step-registry.js';
import type { IncomingRecord, RecordBatch } from '../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { withTracingHeaders } from '../../src/platform/headers/record-headers.js';
import { activeCustomers, customerToDwFlow } from '../benchmarks/flow-throughput.js';
import { BenchError } from '../runner/bench-error.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { PARTITIONS } from '../support/flow-against-passthrough.js';
import { variedCustomer } from '../support/varied-customer.js';
import { formatProfileSummary, summarizeCpuProfile } from './cpu-profile-summary.js';
import { profileWhile, writeCpuProfile } from './cpu-profiler.js';
import { HandlerCapturingClient } from './handler-capturing-client.js';
import { median } from './median.js';

// What kafkajs fetches per partition at most (its maxBytesPerPartition default): a batch the runner gets.
const BATCH_BYTES = 1024 * 1024;
const INPUT = 'bench.profile.in';
const OUTPUT = 'bench.profile.out';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    'warm-up': { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'string' },
  },
});
const records = Number(args.records);
const warmUp = Number(args['warm-up']);
const rounds = Number(args.rounds);

const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-profile-'));
try {
  const schemas = await benchSchemaCatalog(workDir);
  const serde = new AvroSerde(new InMemorySchemaRegistry());
  const schema = schemas.registrySchema('crmhub.customer.Customer');
  const encode = async (index: number): Promise<IncomingRecord> => {
    const value = variedCustomer(index);
    return {
      topic: INPUT,
      partition: index % PARTITIONS,
      offset: String(Math.floor(index / PARTITIONS)),
      key: Buffer.from(String(value.customerId)),
      value: await serde.encode(valueSubject(INPUT), schema, value),
      headers: withTracingHeaders(value, undefined, 'crm'),
      timestamp: String(Date.now()),
    };
  };
  const input: IncomingRecord[] = [];
  for (let index = 0; index < warmUp + records; index++) input.push(await encode(index));

  const client = new HandlerCapturingClient();
  const flowDir = path.join(workDir, 'flows');
  await fs.mkdir(flowDir);
  await fs.writeFile(path.join(flowDir, 'profile.yaml'), customerToDwFlow('profile', INPUT, OUTPUT));
  const runtime = await FlowRuntime.start(flowDir, {
    client,
    serde,
    schemas,
    steps: createStepRegistry(),
    logger: createLogger({ level: 'error' }),
  });
  const runner = runtime.runner('profile');
  if (!runner)
    throw new BenchError(
      'BENCH_FLOW_INVALID',
      `the flow did not start: ${runtime
        .statuses()
        .flatMap((status) => status.issues ?? [])
        .join('; ')}`,
    );
  const handler = client.handler(runner.groupId);
  const control = { heartbeat: async () => undefined, isRunning: () => true };

  /** The records as the consumer would hand them over: per partition, batches of up to BATCH_BYTES. */
  const batched = (from: number, count: number): RecordBatch[][] =>
    Array.from({ length: PARTITIONS }, (_, partition) =>
      batchesOf(input.slice(from, from + count).filter((record) => record.partition === partition)),
    );
  /** Partitions side by side (the flow's concurrency), each batch after the one before. */
  const consume = async (partitions: RecordBatch[][]): Promise<void> => {
    await Promise.all(
      partitions.map(async (batches) => {
        for (const batch of batches) await handler(batch, control);
      }),
    );
  };
  const backlog = batched(warmUp, records);

  await consume(batched(0, warmUp));
  const timings: { perSecond: number; cpuUsPerMessage: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const producedBefore = client.produced;
    const profiling = args.profile !== undefined && round === rounds;
    globalThis.gc?.();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const run = () => consume(backlog);
    const profile = profiling ? (await profileWhile(run)).profile : (await run(), undefined);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const produced = client.produced - producedBefore;
    const expected = activeCustomers(warmUp, records);
    if (produced !== expected) throw new BenchError('BENCH_WRONG_OUTPUT', `the flow produced ${produced} records (expected ${expected})`);
    timings.push({ perSecond: records / seconds, cpuUsPerMessage: (used.user + used.system) / records });
    process.stdout.write(
      `round ${round}: ${records} records in ${seconds.toFixed(2)} s, ${Math.round(records / seconds)} msg/s, ${((used.user + used.system) / records).toFixed(1)} µs CPU per message${profiling ? ' (profiled)' : ''}\n`,
    );
    if (profile && args.profile) {
      await fs.mkdir(args.profile, { recursive: true });
      const file = path.join(args.profile, 'flow-in-memory.cpuprofile');
      await writeCpuProfile(file, profile);
      process.stdout.write(`${formatProfileSummary(summarizeCpuProfile(profile), `in memory, ${records} records (${file})`)}\n`);
    }
  }
  const unprofiled = timings.slice(0, args.profile !== undefined && rounds > 1 ? -1 : undefined);
  // On a shared machine neighbours inflate even CPU time (caches, hyperthreads): the least a round took is the figure least disturbed.
  const cpu = unprofiled.map((timing) => timing.cpuUsPerMessage);
  process.stdout.write(
    `${unprofiled.length} unprofiled round(s): median ${Math.round(median(unprofiled.map((timing) => timing.perSecond)))} msg/s, ${median(cpu).toFixed(1)} µs CPU per message (least ${Math.min(...cpu).toFixed(1)})\n`,
  );
  await runtime.stop();
} finally {
  await fs.rm(workDir, { recursive: true, force: true });
}

function batchesOf(partition: IncomingRecord[]): RecordBatch[] {
  const batches: RecordBatch[] = [];
  let current: IncomingRecord[] = [];
  let bytes = 0;
  for (const record of partition) {
    const size =
      (record.value?.length ?? 0) +
      (record.key?.length ?? 0) +
      Object.entries(record.headers).reduce((sum, [name, value]) => sum + name.length + value.length, 0);
    if (current.length > 0 && bytes + size > BATCH_BYTES) {
      batches.push({ topic: INPUT, partition: record.partition, records: current });
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) batches.push({ topic: INPUT, partition: current[0]!.partition, records: current });
  return batches;
}
