import { BenchError } from '../runner/bench-error.js';
import type { Benchmark } from '../runner/benchmark.js';
import { InputTopic } from '../support/input-topic.js';
import { timeBacklog, warmUpAndPause } from '../support/backlog-timing.js';
import { connectBenchKafka, CLIENT_NOTE, flowOutputTopic } from '../support/bench-kafka.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { FlowHost } from '../support/flow-host.js';
import { PEER_SEGMENTS, peerCustomer, peerJobFlow } from '../support/peer-customer.js';
import { collectGarbage, RssSampler } from '../support/rss-sampler.js';

const PARTITIONS = 3;

/** How many of the customers numbered from `from` (for `count`) the job keeps: all but bronze. */
export function keptCustomers(from: number, count: number): number {
  let kept = 0;
  for (let index = from; index < from + count; index++) if (PEER_SEGMENTS[index % PEER_SEGMENTS.length] !== 'bronze') kept++;
  return kept;
}

/**
 * The job other integration tools publish figures for, done by a crm-hub flow: customers on a
 * 3-partition topic, bronze dropped, fields renamed, name upper-cased, premium × 1.06 to cents, birth
 * date from the ID number, written keyed by customer id. Input and output are JSON records, as the
 * job is specified: both topics are declared `"format": "json"` (crmhub.bench.PeerCustomer →
 * PeerPolicyholder) in the benchmark's copy of the catalog, so the flow checks what it reads and
 * writes against those records but never touches Avro or the registry.
 */
export const peerCustomerJobBenchmark: Benchmark = {
  name: 'peer-customer-job',
  description:
    'The peer-comparable job (500,000 JSON customer records, 3 partitions: drop bronze, rename, upper-case the name, premium × 1.06, birth date from the ID number, keyed by customer id, written as JSON) as a crm-hub flow: msg/s in and peak RSS.',
  async run(context) {
    const records = context.quick ? 50_000 : 500_000;
    const warmUp = 2_000;
    const kafka = await connectBenchKafka(context);
    const inputTopic = context.uniqueName('bench.peer.customers');
    const output = context.uniqueName('bench.peer.policyholders');
    const schemas = await benchSchemaCatalog(context.workDir, {
      [inputTopic]: { record: 'crmhub.bench.PeerCustomer', key: 'customerId', format: 'json' },
      [output]: { record: 'crmhub.bench.PeerPolicyholder', key: 'id', format: 'json' },
    });
    const input = await InputTopic.create(kafka.client, kafka.serde, {
      topic: inputTopic,
      partitions: PARTITIONS,
      schema: schemas.registrySchema('crmhub.bench.PeerCustomer'),
      record: peerCustomer,
      keyField: 'customerId',
      sourceSystem: 'peer',
      format: 'json',
    });
    await kafka.admin.ensureTopics([flowOutputTopic(output, PARTITIONS)]);
    await input.append(warmUp);
    const flowName = context.uniqueName('bench-peer');
    const flow = await FlowHost.start(`${context.workDir}/flows`, flowName, peerJobFlow(flowName, input.topic, output, PARTITIONS), {
      client: kafka.client,
      serde: kafka.serde,
      schemas,
    });
    try {
      await warmUpAndPause(kafka.admin, input.topic, flow, 60_000);
      context.log(`warmed up on ${warmUp} records; producing the ${records} job records`);
      await input.append(records);
      collectGarbage();
      const rssBefore = process.memoryUsage.rss();
      const rss = new RssSampler().start();
      const outBefore = flow.counters.recordsOut;
      const timing = await timeBacklog(kafka.admin, input.topic, flow, records, 1_800_000);
      const peak = rss.stop();
      const produced = flow.counters.recordsOut - outBefore;
      const expected = keptCustomers(warmUp, records);
      if (produced !== expected || flow.counters.deadLettered > 0) {
        throw new BenchError(
          'BENCH_WRONG_OUTPUT',
          `the job produced ${produced} records (expected ${expected}) and dead-lettered ${flow.counters.deadLettered}`,
        );
      }
      context.log(`${records} records in ${timing.seconds.toFixed(2)} s, ${produced} written`);
      return {
        figures: [
          {
            name: `peer job (${records.toLocaleString('en-US')} customers)`,
            value: timing.perSecond,
            unit: 'msg/s in',
            measured: `records in per second: from the first record the flow took after resume until its group committed all ${records} input records (${PARTITIONS} partitions, concurrency ${PARTITIONS}, ${input.averageValueBytes} B JSON values, no headers); ${produced} JSON records written keyed by customer id`,
          },
          {
            name: 'peer job peak RSS',
            value: peak,
            unit: 'MiB',
            measured: `highest RSS of the process running the flow, sampled every 100 ms during the timed run (${Math.round(rssBefore / 2 ** 20)} MiB when it began, after warm-up and garbage collection)`,
          },
        ],
        notes: [
          CLIENT_NOTE,
          'input and output are JSON topics (topics.json "format": "json"), checked against bench/schemas/PeerCustomer.avsc and PeerPolicyholder.avsc; the output premium is a decimal string ("849.07"), the birth date "YYYY-MM-DD"',
        ],
        details: { records, warmUp, partitions: PARTITIONS, seconds: timing.seconds, produced },
      };
    } finally {
      await flow.stop();
      await input.close();
      await kafka.close();
    }
  },
};
