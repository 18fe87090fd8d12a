/**
 * `node --import tsx --expose-gc bench/profile/flow-on-broker.ts [--records 20000] [--rounds 3] [--profile DIR]`
 *
 * The `flow` benchmark in one process, several times over: the same flow (customerToDwFlow) on the
 * same varied customers and the same raw passthrough baseline, timed the same way (from the first
 * record taken after resume until the group committed the backlog), one backlog per round on one
 * topic. With --profile, the flow's timed part of the last round — and, for comparison, the relay's
 * — is recorded by V8's profiler (what `node --cpu-prof` records, without the set-up: producing a
 * backlog encodes every record) into DIR, and the top frames are printed.
 *
 * Each timing also gives this process's CPU time per record (user + system): on a shared machine
 * the wall-clock figures move with the neighbours' load, while the CPU one moves much less, and raw
 * CPU per record over the flow's is the throughput ratio an otherwise idle machine would approach.
 *
 * Uses KAFKA_BROKERS and SCHEMA_REGISTRY_URL when set (see hold-infrastructure.ts), else starts the
 * broker and registry as the benchmark runner does.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { activeCustomers, customerToDwFlow } from '../benchmarks/flow-throughput.js';
import { BenchError } from '../runner/bench-error.js';
import { BenchInfrastructure } from '../runner/bench-infrastructure.js';
import type { BenchmarkContext } from '../runner/benchmark.js';
import { InputTopic } from '../support/input-topic.js';
import { timeBacklog, warmUpAndPause, type BacklogTiming, type TimedConsumer } from '../support/backlog-timing.js';
import { connectBenchKafka, flowOutputTopic } from '../support/bench-kafka.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { PARTITIONS } from '../support/flow-against-passthrough.js';
import { FlowHost } from '../support/flow-host.js';
import { PassthroughRelay } from '../support/passthrough-relay.js';
import { collectGarbage } from '../support/rss-sampler.js';
import { variedCustomer } from '../support/varied-customer.js';
import { formatProfileSummary, summarizeCpuProfile } from './cpu-profile-summary.js';
import { profileWhile, writeCpuProfile } from './cpu-profiler.js';
import { median } from './median.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    'warm-up': { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'string' },
  },
});
const records = Number(args.records);
const warmUp = Number(args['warm-up']);
const rounds = Number(args.rounds);
const log = (message: string) => process.stderr.write(`[flow-on-broker] ${message}\n`);

const infrastructure = await BenchInfrastructure.create();
try {
  const { kafka: endpoint, registry } = await infrastructure.start(log);
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-profile-'));
  const context: BenchmarkContext = {
    brokers: endpoint.brokers,
    registryUrl: registry.url,
    quick: true,
    workDir,
    uniqueName: (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`,
    log,
  };
  const kafka = await connectBenchKafka(context);
  const schemas = await benchSchemaCatalog(workDir);
  const input = await InputTopic.create(kafka.client, kafka.serde, {
    topic: context.uniqueName('bench.profile.in'),
    partitions: PARTITIONS,
    schema: schemas.registrySchema('crmhub.customer.Customer'),
    record: variedCustomer,
    keyField: 'customerId',
    sourceSystem: 'crm',
  });
  const output = context.uniqueName('bench.profile.out');
  const rawOut = context.uniqueName('bench.profile.raw-out');
  await kafka.admin.ensureTopics([rawOut, output].map((topic) => flowOutputTopic(topic, PARTITIONS)));
  await input.append(warmUp);
  const relay = await PassthroughRelay.start(kafka.client, {
    groupId: context.uniqueName('bench.profile.raw'),
    from: input.topic,
    to: rawOut,
    concurrency: PARTITIONS,
  });
  const flowName = context.uniqueName('bench-profile');
  const flow = await FlowHost.start(path.join(workDir, 'flows'), flowName, customerToDwFlow(flowName, input.topic, output), {
    client: kafka.client,
    serde: kafka.serde,
    schemas,
  });
  try {
    await warmUpAndPause(kafka.admin, input.topic, relay, 60_000);
    await warmUpAndPause(kafka.admin, input.topic, flow, 120_000);
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const profiling = args.profile !== undefined && round === rounds;
      const from = input.produced;
      await input.append(records);
      const raw = await timed(relay, profiling ? 'raw-passthrough' : undefined);
      const outBefore = flow.counters.recordsOut;
      const timing = await timed(flow, profiling ? 'flow' : undefined);
      const produced = flow.counters.recordsOut - outBefore;
      if (produced !== activeCustomers(from, records) || flow.counters.deadLettered > 0)
        throw new BenchError(
          'BENCH_WRONG_OUTPUT',
          `the flow produced ${produced} records (expected ${activeCustomers(from, records)}) and dead-lettered ${flow.counters.deadLettered}`,
        );
      const ratio = timing.perSecond / raw.perSecond;
      const cpuRatio = raw.cpuUsPerRecord / timing.cpuUsPerRecord;
      if (!profiling) {
        ratios.push(ratio);
        cpuRatios.push(cpuRatio);
      }
      process.stdout.write(
        `round ${round}: raw ${Math.round(raw.perSecond)} msg/s (${raw.cpuUsPerRecord.toFixed(1)} µs CPU/record), flow ${Math.round(timing.perSecond)} msg/s (${timing.cpuUsPerRecord.toFixed(1)} µs CPU/record), ratio ${ratio.toFixed(2)}, CPU ratio ${cpuRatio.toFixed(2)}${profiling ? ' (profiled)' : ''}\n`,
      );
    }
    if (ratios.length > 0)
      process.stdout.write(
        `median of ${ratios.length} unprofiled round(s): ratio ${median(ratios).toFixed(2)}, CPU ratio ${median(cpuRatios).toFixed(2)}\n`,
      );
  } finally {
    await relay.stop();
    await flow.stop();
    await input.close();
    await kafka.admin.deleteTopics([input.topic, output, rawOut]).catch(() => undefined);
    await kafka.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }

  async function timed(consumer: TimedConsumer, profileName: string | undefined): Promise<BacklogTiming & { cpuUsPerRecord: number }> {
    collectGarbage();
    const cpu = process.cpuUsage();
    const run = () => timeBacklog(kafka.admin, input.topic, consumer, records, 600_000);
    const cpuPerRecord = () => {
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / records;
    };
    if (!profileName || !args.profile) {
      const timing = await run();
      const cpuUsPerRecord = cpuPerRecord();
      consumer.pause();
      return { ...timing, cpuUsPerRecord };
    }
    const { result, profile } = await profileWhile(run);
    const cpuUsPerRecord = cpuPerRecord();
    consumer.pause();
    await fs.mkdir(args.profile, { recursive: true });
    const file = path.join(args.profile, `${profileName}.cpuprofile`);
    await writeCpuProfile(file, profile);
    process.stdout.write(
      `${formatProfileSummary(summarizeCpuProfile(profile), `${profileName} on the broker, ${records} records, ${Math.round(result.perSecond)} msg/s (${file})`)}\n`,
    );
    return { ...result, cpuUsPerRecord };
  }
} finally {
  await infrastructure.stop();
}
