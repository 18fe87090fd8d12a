import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { BenchError } from '../runner/bench-error.js';
import type { BenchmarkContext, Figure } from '../runner/benchmark.js';
import { InputTopic } from './input-topic.js';
import { timeBacklog, warmUpAndPause, type BacklogTiming } from './backlog-timing.js';
import { flowOutputTopic, type BenchKafka } from './bench-kafka.js';
import { FlowHost } from './flow-host.js';
import { PassthroughRelay } from './passthrough-relay.js';
import { collectGarbage, mebibytes, RssSampler } from './rss-sampler.js';
import { variedCustomer } from './varied-customer.js';

export const PARTITIONS = 3;

export function flowBacklogSizes(quick: boolean): { records: number; warmUp: number } {
  return quick ? { records: 20_000, warmUp: 2_000 } : { records: 200_000, warmUp: 5_000 };
}

export interface FlowUnderTest {
  /** The flow file, given its name and input topic. */
  yaml(name: string, input: string): string;
  /** Topics the flow writes to (created with room for large batches). */
  outputs: string[];
  /** How many records the flow must produce for the backlog of customers numbered from `from`; checked. */
  expectedOutputs(from: number, count: number): number;
}

export interface FlowAgainstPassthrough {
  flow: BacklogTiming;
  raw: BacklogTiming;
  produced: number;
  peakRssMiB: number;
  /** RSS after garbage collection just before the flow started, and again once it had warmed up: what hosting the flow holds. */
  rssBeforeFlowMiB: number;
  rssWarmedUpMiB: number;
  averageValueBytes: number;
  records: number;
  warmUp: number;
}

/**
 * One flow against raw passthrough of the very same input: a topic of varied crm.customer.v1
 * records with tracing headers; both consumer groups are warmed up on the first records and paused,
 * the backlog is produced, then the relay and the flow are each timed over it in turn (garbage
 * collected before each). The flow's output count is checked, so a broken flow cannot post a figure.
 */
export async function measureFlowAgainstPassthrough(
  context: BenchmarkContext,
  kafka: BenchKafka,
  schemas: SchemaCatalog,
  flowUnderTest: FlowUnderTest,
): Promise<FlowAgainstPassthrough> {
  const { records, warmUp } = flowBacklogSizes(context.quick);
  const input = await InputTopic.create(kafka.client, kafka.serde, {
    topic: context.uniqueName('bench.flow.in'),
    partitions: PARTITIONS,
    schema: schemas.registrySchema('crmhub.customer.Customer'),
    record: variedCustomer,
    keyField: 'customerId',
    sourceSystem: 'crm',
  });
  const rawOut = context.uniqueName('bench.flow.raw-out');
  await kafka.admin.ensureTopics([rawOut, ...flowUnderTest.outputs].map((topic) => flowOutputTopic(topic, PARTITIONS)));
  await input.append(warmUp);
  const relay = await PassthroughRelay.start(kafka.client, {
    groupId: context.uniqueName('bench.flow.raw'),
    from: input.topic,
    to: rawOut,
    concurrency: PARTITIONS,
  });
  let flow: FlowHost | undefined;
  try {
    await warmUpAndPause(kafka.admin, input.topic, relay, 60_000);
    const flowName = context.uniqueName('bench-flow');
    collectGarbage();
    const rssBeforeFlowMiB = mebibytes(process.memoryUsage.rss());
    flow = await FlowHost.start(`${context.workDir}/flows`, flowName, flowUnderTest.yaml(flowName, input.topic), {
      client: kafka.client,
      serde: kafka.serde,
      schemas,
    });
    await warmUpAndPause(kafka.admin, input.topic, flow, 120_000);
    collectGarbage();
    const rssWarmedUpMiB = mebibytes(process.memoryUsage.rss());
    context.log(`relay and flow warmed up on ${warmUp} records; producing the backlog of ${records}`);
    await input.append(records);

    collectGarbage();
    const raw = await timeBacklog(kafka.admin, input.topic, relay, records, 600_000);
    await relay.stop();
    context.log(`raw passthrough: ${records} records in ${raw.seconds.toFixed(2)} s`);

    collectGarbage();
    const rss = new RssSampler().start();
    const outBefore = flow.counters.recordsOut;
    const timed = await timeBacklog(kafka.admin, input.topic, flow, records, 1_200_000);
    const peakRssMiB = rss.stop();
    const produced = flow.counters.recordsOut - outBefore;
    context.log(
      `flow: ${records} records in ${timed.seconds.toFixed(2)} s (${produced} produced, ${flow.counters.deadLettered} dead-lettered)`,
    );
    const expected = flowUnderTest.expectedOutputs(warmUp, records);
    if (produced !== expected || flow.counters.deadLettered > 0)
      throw new BenchError(
        'BENCH_WRONG_OUTPUT',
        `the flow produced ${produced} records (expected ${expected}) and dead-lettered ${flow.counters.deadLettered}`,
      );
    return {
      flow: timed,
      raw,
      produced,
      peakRssMiB,
      rssBeforeFlowMiB,
      rssWarmedUpMiB,
      averageValueBytes: input.averageValueBytes,
      records,
      warmUp,
    };
  } finally {
    await relay.stop().catch(() => undefined);
    await flow?.stop();
    await input.close();
  }
}

/** The flow's msg/s with raw passthrough of the same run as its baseline, and the process's peak RSS meanwhile. */
export function flowFigures(label: string, what: string, run: FlowAgainstPassthrough): Figure[] {
  return [
    {
      name: label,
      value: run.flow.perSecond,
      unit: 'msg/s',
      measured: `records in per second: from the first record the flow took after resume until its group committed all ${run.records} input records (${PARTITIONS} partitions, concurrency ${PARTITIONS}, ${run.averageValueBytes} B Avro crm.customer.v1 values with tracing headers); ${what}; ${run.produced} records produced. Baseline: raw passthrough of the same topic and records, timed the same way just before`,
      baseline: { name: 'raw passthrough, same run', value: run.raw.perSecond, unit: 'msg/s' },
    },
    {
      name: `${label} peak RSS`,
      value: run.peakRssMiB,
      unit: 'MiB',
      measured:
        'highest RSS of the benchmark process (flow runtime, its producer, the admin client) sampled every 100 ms during the timed flow run',
    },
  ];
}
