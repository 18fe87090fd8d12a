import type { Benchmark } from '../runner/benchmark.js';
import { connectBenchKafka, CLIENT_NOTE } from '../support/bench-kafka.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { flowFigures, measureFlowAgainstPassthrough, PARTITIONS } from '../support/flow-against-passthrough.js';

/** Dedupe on the event id, as flows/crm-customer-to-dw.yaml does. Every event id is new: each message records its key in the durable state, the step's dearest case. */
export function dedupeFlow(name: string, input: string, output: string): string {
  return `name: ${name}
description: benchmark - CRM events deduplicated by event id
from: ${input}
steps:
  - dedupe: { key: meta.eventId, windowSeconds: 86400 }
to: { topic: ${output}, schema: crmhub.customer.Customer }
concurrency: ${PARTITIONS}
topics:
  ${input}: { schema: crmhub.customer.Customer }
  ${output}: { schema: crmhub.customer.Customer }
`;
}

export const dedupeBenchmark: Benchmark = {
  name: 'dedupe',
  description:
    'A flow with a dedupe step on meta.eventId (state in a compacted topic, written once a message is produced), all ids distinct, against raw passthrough of the same input.',
  async run(context) {
    const kafka = await connectBenchKafka(context);
    try {
      const schemas = await benchSchemaCatalog(context.workDir);
      const output = context.uniqueName('bench.dedupe.out');
      const run = await measureFlowAgainstPassthrough(context, kafka, schemas, {
        yaml: (name, input) => dedupeFlow(name, input, output),
        outputs: [output],
        expectedOutputs: (_from, count) => count,
      });
      return {
        figures: flowFigures(
          'dedupe (every id new)',
          "dedupe on meta.eventId, every id distinct so every message passes and its key is written to the flow's state topic",
          run,
        ),
        notes: [CLIENT_NOTE],
        details: {
          records: run.records,
          partitions: PARTITIONS,
          rawSeconds: run.raw.seconds,
          flowSeconds: run.flow.seconds,
          produced: run.produced,
        },
      };
    } finally {
      await kafka.close();
    }
  },
};
