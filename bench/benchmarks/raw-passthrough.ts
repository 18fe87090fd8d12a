import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import type { Benchmark } from '../runner/benchmark.js';
import { InputTopic } from '../support/input-topic.js';
import { connectBenchKafka, CLIENT_NOTE } from '../support/bench-kafka.js';
import { timeBacklog, warmUpAndPause } from '../support/backlog-timing.js';
import { PassthroughRelay } from '../support/passthrough-relay.js';
import { collectGarbage, RssSampler } from '../support/rss-sampler.js';
import { variedCustomer } from '../support/varied-customer.js';
import { flowBacklogSizes, PARTITIONS } from '../support/flow-against-passthrough.js';

/** The client's ceiling on this machine: what every other Kafka figure is read against. */
export const rawPassthroughBenchmark: Benchmark = {
  name: 'raw-passthrough',
  description:
    "kafkajs consume → produce of the same bytes with at-least-once commits (no decoding, no steps): the Kafka client's ceiling on this machine.",
  async run(context) {
    const { records, warmUp } = flowBacklogSizes(context.quick);
    const kafka = await connectBenchKafka(context);
    const schemas = await SchemaCatalog.load();
    const input = await InputTopic.create(kafka.client, kafka.serde, {
      topic: context.uniqueName('bench.raw.in'),
      partitions: PARTITIONS,
      schema: schemas.registrySchema('crmhub.customer.Customer'),
      record: variedCustomer,
      keyField: 'customerId',
      sourceSystem: 'crm',
    });
    const output = context.uniqueName('bench.raw.out');
    await kafka.admin.ensureTopics([{ topic: output, partitions: PARTITIONS }]);
    await input.append(warmUp);
    const relay = await PassthroughRelay.start(kafka.client, {
      groupId: context.uniqueName('bench.raw'),
      from: input.topic,
      to: output,
      concurrency: PARTITIONS,
    });
    try {
      await warmUpAndPause(kafka.admin, input.topic, relay, 60_000);
      context.log(`warmed up on ${warmUp} records; producing the backlog of ${records}`);
      await input.append(records);
      collectGarbage();
      const rss = new RssSampler().start();
      const timing = await timeBacklog(kafka.admin, input.topic, relay, records, 600_000);
      const peak = rss.stop();
      context.log(`${records} records in ${timing.seconds.toFixed(2)} s`);
      return {
        figures: [
          {
            name: 'raw passthrough',
            value: timing.perSecond,
            unit: 'msg/s',
            measured: `from the first record taken after resume until the group committed all ${records} records (${PARTITIONS} partitions, ${input.averageValueBytes} B Avro crm.customer.v1 values with tracing headers) produced unchanged to another topic`,
          },
          {
            name: 'raw passthrough peak RSS',
            value: peak,
            unit: 'MiB',
            measured: 'highest RSS of the benchmark process sampled every 100 ms during the timed run',
          },
        ],
        notes: [CLIENT_NOTE],
        details: { records, warmUp, partitions: PARTITIONS, seconds: timing.seconds },
      };
    } finally {
      await relay.stop();
      await input.close();
      await kafka.close();
    }
  },
};
