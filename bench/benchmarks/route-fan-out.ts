import type { Benchmark } from '../runner/benchmark.js';
import { connectBenchKafka, CLIENT_NOTE } from '../support/bench-kafka.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { countCustomers } from '../support/customer-counts.js';
import { flowFigures, measureFlowAgainstPassthrough, PARTITIONS } from '../support/flow-against-passthrough.js';

/** Content-based fan-out to three topics (mode all): top tiers (40%), active customers (90%) and an audit copy of everything. */
export function routeFanOutFlow(name: string, input: string, outputs: readonly [string, string, string]): string {
  const [tiers, active, audit] = outputs;
  return `name: ${name}
description: benchmark - customers fanned out to three topics
from: ${input}
steps:
  - route:
      mode: all
      cases:
        - when: valueSegment in ["PLATINUM", "GOLD"]
          to: { topic: ${tiers}, schema: crmhub.customer.Customer }
        - when: status = "ACTIVE"
          to: { topic: ${active}, schema: crmhub.customer.Customer }
        - when: "true"
          to: { topic: ${audit}, schema: crmhub.customer.Customer }
to: { topic: ${audit}, schema: crmhub.customer.Customer }
concurrency: ${PARTITIONS}
topics:
  ${input}: { schema: crmhub.customer.Customer }
  ${tiers}: { schema: crmhub.customer.Customer }
  ${active}: { schema: crmhub.customer.Customer }
  ${audit}: { schema: crmhub.customer.Customer }
`;
}

/** Outputs of the fan-out for the varied customers numbered from `from` (variedCustomer: segment by index % 5, every tenth inactive). */
export function fanOutOutputs(from: number, count: number): number {
  return countCustomers(from, count, (index) => index % 5 < 2) + countCustomers(from, count, (index) => index % 10 !== 9) + count;
}

export const routeFanOutBenchmark: Benchmark = {
  name: 'route-fan-out',
  description:
    'A flow whose route step (mode all) sends each customer to up to three topics (2.3 outputs per input on average), against raw passthrough of the same input.',
  async run(context) {
    const kafka = await connectBenchKafka(context);
    try {
      const schemas = await benchSchemaCatalog(context.workDir);
      const outputs = [
        context.uniqueName('bench.route.tiers'),
        context.uniqueName('bench.route.active'),
        context.uniqueName('bench.route.audit'),
      ] as const;
      const run = await measureFlowAgainstPassthrough(context, kafka, schemas, {
        yaml: (name, input) => routeFanOutFlow(name, input, outputs),
        outputs: [...outputs],
        expectedOutputs: fanOutOutputs,
      });
      return {
        figures: flowFigures(
          'route fan-out to 3 topics',
          'route mode all: 40% to a tiers topic, 90% to an active topic, 100% to an audit topic, each re-encoded as crmhub.customer.Customer',
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
