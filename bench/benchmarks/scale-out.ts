import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark, BenchmarkContext } from '../runner/benchmark.js';
import { InputTopic } from '../support/input-topic.js';
import { connectBenchKafka, CLIENT_NOTE, flowOutputTopic, type BenchKafka } from '../support/bench-kafka.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { topicEnds, waitForCommittedEnd } from '../support/committed-end.js';
import { flowBacklogSizes } from '../support/flow-against-passthrough.js';
import { ForkedFlow } from '../support/forked-flow.js';
import { variedCustomer } from '../support/varied-customer.js';
import { activeCustomers, customerToDwFlow } from './flow-throughput.js';

/** Even for two processes (3 each), so that the pair is not capped at 1.5× by a 2:1 split of partitions. */
export const SCALE_OUT_PARTITIONS = 6;
/** Rounds of records produced until both processes of the pair are seen working (the group settled on both). */
const BALANCE_ROUNDS = 15;
const BALANCE_RECORDS = 600;

/** The flow benchmark's flow, taking every partition a process holds at once (concurrency = partitions). */
export function scaleOutFlow(name: string, input: string, output: string): string {
  const flow = YAML.parse(customerToDwFlow(name, input, output)) as Record<string, unknown>;
  return YAML.stringify({ ...flow, concurrency: SCALE_OUT_PARTITIONS });
}

interface Timing {
  seconds: number;
  perSecond: number;
  produced: number;
  perProcess: number[];
}

/** One flow on a backlog: run by one process, then by two processes of one consumer group. */
export const scaleOutBenchmark: Benchmark = {
  name: 'scale-out',
  description: `One flow (decode → filter → map → encode) over the same backlog on a ${SCALE_OUT_PARTITIONS}-partition topic, run by two hub processes in one consumer group against one process alone (each a FlowRuntime in a forked process).`,
  async run(context) {
    const { records, warmUp } = flowBacklogSizes(context.quick);
    const kafka = await connectBenchKafka(context);
    const schemas = await benchSchemaCatalog(context.workDir);
    const input = await InputTopic.create(kafka.client, kafka.serde, {
      topic: context.uniqueName('bench.scale.in'),
      partitions: SCALE_OUT_PARTITIONS,
      schema: schemas.registrySchema('crmhub.customer.Customer'),
      record: variedCustomer,
      keyField: 'customerId',
      sourceSystem: 'crm',
    });
    const outputs = { one: context.uniqueName('bench.scale.one-out'), two: context.uniqueName('bench.scale.two-out') };
    const names = { one: context.uniqueName('bench-scale-one'), two: context.uniqueName('bench-scale-two') };
    const flows: ForkedFlow[] = [];
    try {
      await kafka.admin.ensureTopics([outputs.one, outputs.two].map((topic) => flowOutputTopic(topic, SCALE_OUT_PARTITIONS)));
      await input.append(warmUp);
      const start = (label: string, name: keyof typeof names, dir: string) =>
        ForkedFlow.start(label, {
          brokers: context.brokers,
          registryUrl: context.registryUrl,
          dir: path.join(context.workDir, dir),
          name: names[name],
          yaml: scaleOutFlow(names[name], input.topic, outputs[name]),
        });
      const [one, first, second] = await Promise.all([
        start('one process', 'one', 'one'),
        start('process 1 of 2', 'two', 'two-a'),
        start('process 2 of 2', 'two', 'two-b'),
      ]);
      flows.push(one!, first!, second!);
      const pair = [first!, second!];
      await settlePair(context, kafka, input, pair);
      // Now that the pair shares the partitions, a second warm-up reaches both of its processes (the first went to whichever joined first).
      await input.append(warmUp);
      const warmedUp = await topicEnds(kafka.admin, input.topic);
      await Promise.all(
        [one!, first!].map((flow) => waitForCommittedEnd(kafka.admin, flow.groupId, input.topic, warmedUp, { timeoutMs: 120_000 })),
      );
      await Promise.all(flows.map((flow) => flow.pause()));
      context.log(`both groups warmed up; producing the backlog of ${records}`);
      const from = input.produced;
      await input.append(records);
      const expected = activeCustomers(from, records);

      const alone = await timeGroup(kafka, input.topic, [one!], records, expected);
      context.log(`one process: ${records} records in ${alone.seconds.toFixed(2)} s`);
      const together = await timeGroup(kafka, input.topic, pair, records, expected);
      context.log(`two processes: ${records} records in ${together.seconds.toFixed(2)} s (${together.perProcess.join(' + ')} records in)`);
      const ratio = together.perSecond / alone.perSecond;
      return {
        figures: [
          {
            name: 'flow on two processes (one group)',
            value: together.perSecond,
            unit: 'msg/s',
            measured: `records in per second: from the first record either process took after resume until the group committed all ${records} input records (${SCALE_OUT_PARTITIONS} partitions, concurrency ${SCALE_OUT_PARTITIONS}, the flow benchmark's filter + map to crmhub.dw.DwCustomer, ${together.produced} records produced); two FlowRuntimes in two forked processes of one consumer group. Baseline: the same flow and backlog run by one process alone (its own group), timed the same way just before`,
            baseline: { name: 'one process, same backlog', value: alone.perSecond, unit: 'msg/s' },
          },
        ],
        notes: [
          CLIENT_NOTE,
          `two processes moved ${ratio.toFixed(2)}× what one did on this ${os.cpus().length}-CPU machine, which also runs the broker and registry`,
        ],
        details: { records, warmUp, partitions: SCALE_OUT_PARTITIONS, alone, together, ratio },
      };
    } finally {
      await Promise.all(flows.map((flow) => flow.stop()));
      await input.close();
      await kafka.close();
    }
  },
};

/**
 * Produces a few records at a time until both processes of the pair take some: a process that
 * joined the group last is only given partitions at the next rebalance. Both are warmed up then,
 * and the group will not rebalance during the timed run.
 */
async function settlePair(context: BenchmarkContext, kafka: BenchKafka, input: InputTopic, pair: ForkedFlow[]): Promise<void> {
  const groupId = pair[0]!.groupId;
  for (let round = 0; round < BALANCE_ROUNDS; round++) {
    const before = await Promise.all(pair.map((flow) => flow.counters()));
    await input.append(BALANCE_RECORDS);
    await waitForCommittedEnd(kafka.admin, groupId, input.topic, await topicEnds(kafka.admin, input.topic), { timeoutMs: 120_000 });
    const after = await Promise.all(pair.map((flow) => flow.counters()));
    const taken = after.map((counters, index) => counters.recordsIn - before[index]!.recordsIn);
    if (taken.every((count) => count > 0)) {
      context.log(`the pair shares the partitions (round ${round + 1}: ${taken.join(' + ')} records)`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new BenchError(
    'BENCH_GROUP_UNBALANCED',
    `after ${BALANCE_ROUNDS} rounds one process of the pair still took no records: the group never gave it partitions`,
  );
}

/** Resumes the group's processes and times them from the first record any of them took until the group committed the backlog; checks what they produced. */
async function timeGroup(kafka: BenchKafka, topic: string, processes: ForkedFlow[], records: number, expected: number): Promise<Timing> {
  const ends = await topicEnds(kafka.admin, topic);
  const before = await Promise.all(processes.map((flow) => flow.counters()));
  const resumed = await Promise.all(processes.map((flow) => flow.resume(120_000)));
  const start = await Promise.race(resumed.map((resume) => resume.firstRecord));
  const end =
    performance.timeOrigin + (await waitForCommittedEnd(kafka.admin, processes[0]!.groupId, topic, ends, { timeoutMs: 1_200_000 }));
  const after = await Promise.all(processes.map((flow) => flow.pause()));
  const delta = (key: 'recordsIn' | 'recordsOut' | 'deadLettered') =>
    after.reduce((sum, counters, index) => sum + counters[key] - before[index]![key], 0);
  if (delta('recordsOut') !== expected || delta('deadLettered') > 0)
    throw new BenchError(
      'BENCH_WRONG_OUTPUT',
      `${processes.map((flow) => flow.label).join(' and ')} produced ${delta('recordsOut')} records (expected ${expected}) and dead-lettered ${delta('deadLettered')}`,
    );
  const seconds = (end - start) / 1000;
  return {
    seconds,
    perSecond: records / seconds,
    produced: delta('recordsOut'),
    perProcess: after.map((counters, index) => counters.recordsIn - before[index]!.recordsIn),
  };
}
