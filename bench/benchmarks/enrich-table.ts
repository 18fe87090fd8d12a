import type { Benchmark } from '../runner/benchmark.js';
import { InputTopic } from '../support/input-topic.js';
import { connectBenchKafka, CLIENT_NOTE } from '../support/bench-kafka.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { flowFigures, flowBacklogSizes, measureFlowAgainstPassthrough, PARTITIONS } from '../support/flow-against-passthrough.js';
import { BenchError } from '../runner/bench-error.js';
import { variedCustomer } from '../support/varied-customer.js';

/** Each customer event joined to the customer's row of a table (a compacted topic held in memory) and written as a warehouse row from both. */
export function enrichFlow(name: string, input: string, table: string, output: string): string {
  return `name: ${name}
description: benchmark - customer events enriched from a large table
from: ${input}
steps:
  - enrich:
      table: { topic: ${table}, key: customerId }
      as: known
      required: true
  - map:
      schema: crmhub.dw.DwCustomer
      fields:
        meta: '{ "eventId": meta.eventId, "eventType": "DwCustomerChanged", "sourceSystem": "crm-hub", "occurredAt": meta.occurredAt, "correlationId": meta.correlationId }'
        customerId: customerId
        customerType: customerType
        fullName: known.fullName
        gender: known.gender
        birthDate: known.birthDate
        email: known.email
        phoneCount: $count(known.phones)
        valueSegment: valueSegment
        status: status
        createdAt: known.createdAt
        updatedAt: updatedAt
to: { topic: ${output}, schema: crmhub.dw.DwCustomer }
concurrency: ${PARTITIONS}
topics:
  ${input}: { schema: crmhub.customer.Customer }
  ${output}: { schema: crmhub.dw.DwCustomer }
`;
}

export const enrichTableBenchmark: Benchmark = {
  name: 'enrich-table',
  description:
    'A flow that enriches every message from a 1M-key table (100k with --quick: a compacted topic of customers the flow holds in memory), against raw passthrough of the same input; and the memory the table takes.',
  async run(context) {
    const tableSize = context.quick ? 100_000 : 1_000_000;
    const { records, warmUp } = flowBacklogSizes(context.quick);
    if (records + warmUp > tableSize)
      throw new BenchError(
        'BENCH_TABLE_TOO_SMALL',
        `the table of ${tableSize} customers must hold the ${records + warmUp} customers of the input`,
      );
    const kafka = await connectBenchKafka(context);
    try {
      const schemas = await benchSchemaCatalog(context.workDir);
      const tableTopic = context.uniqueName('bench.enrich.customers');
      await kafka.admin.ensureTopics([{ topic: tableTopic, partitions: PARTITIONS, config: { 'cleanup.policy': 'compact' } }]);
      const table = await InputTopic.create(kafka.client, kafka.serde, {
        topic: tableTopic,
        partitions: PARTITIONS,
        schema: schemas.registrySchema('crmhub.customer.Customer'),
        record: variedCustomer,
        keyField: 'customerId',
        sourceSystem: 'crm',
      });
      context.log(`producing the table of ${tableSize} customers`);
      await table.append(tableSize);
      await table.close();
      const output = context.uniqueName('bench.enrich.out');
      const loadStarted = performance.now();
      const run = await measureFlowAgainstPassthrough(context, kafka, schemas, {
        yaml: (name, input) => enrichFlow(name, input, tableTopic, output),
        outputs: [output],
        expectedOutputs: (_from, count) => count,
      });
      const tableMiB = run.rssWarmedUpMiB - run.rssBeforeFlowMiB;
      return {
        figures: [
          ...flowFigures(
            `enrich from a ${label(tableSize)}-key table`,
            `each message looked up by customerId in a ${tableSize}-key table (required) and mapped to crmhub.dw.DwCustomer from both`,
            run,
          ),
          {
            name: `RSS with a ${label(tableSize)}-key table`,
            value: run.rssWarmedUpMiB,
            unit: 'MiB',
            measured: `RSS of the benchmark process after garbage collection once the flow had loaded its table of ${tableSize} crm.customer.v1 records (${table.averageValueBytes} B each in Avro) and warmed up`,
          },
          {
            name: 'RSS without the table (same process)',
            value: run.rssBeforeFlowMiB,
            unit: 'MiB',
            measured:
              'RSS of the same process after garbage collection just before the flow (and its table) started: the steady state of a process with the Kafka client and registry client loaded',
          },
        ],
        notes: [
          CLIENT_NOTE,
          `the table took about ${Math.round(tableMiB)} MiB (${Math.round((tableMiB * 2 ** 20) / tableSize)} B a key) and loaded within ${Math.round((performance.now() - loadStarted) / 1000)} s of set-up`,
        ],
        details: {
          records: run.records,
          tableSize,
          partitions: PARTITIONS,
          rawSeconds: run.raw.seconds,
          flowSeconds: run.flow.seconds,
          produced: run.produced,
          rssBeforeFlowMiB: run.rssBeforeFlowMiB,
          rssWarmedUpMiB: run.rssWarmedUpMiB,
        },
      };
    } finally {
      await kafka.close();
    }
  },
};

function label(count: number): string {
  return count >= 1_000_000 ? `${count / 1_000_000}M` : `${count / 1_000}k`;
}
