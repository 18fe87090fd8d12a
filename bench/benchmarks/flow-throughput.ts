import { warehouseCustomerFlow } from '../../test/fixtures/warehouse-customer-flow.js';
import type { Benchmark } from '../runner/benchmark.js';
import { connectBenchKafka, CLIENT_NOTE } from '../support/bench-kafka.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { flowFigures, measureFlowAgainstPassthrough, PARTITIONS } from '../support/flow-against-passthrough.js';

/** The target for flow msg/s over raw passthrough msg/s. */
const TARGET_RATIO = 0.7;

/** How many of the customers numbered from `from` (for `count`) are ACTIVE, so pass the flow's filter (variedCustomer: all but every tenth). */
export function activeCustomers(from: number, count: number): number {
  let active = 0;
  for (let index = from; index < from + count; index++) if (index % 10 !== 9) active++;
  return active;
}

/** A flow as the hub runs them: CRM customers filtered and flattened into warehouse rows (flows/crm-customer-to-dw.yaml without its dedupe). */
export function customerToDwFlow(name: string, input: string, output: string): string {
  return warehouseCustomerFlow({ name, from: input, to: [{ topic: output }], concurrency: PARTITIONS });
}

/** Avro decode → filter → map → Avro encode → produce, at least once, against raw passthrough of the very same input bytes. */
export const flowThroughputBenchmark: Benchmark = {
  name: 'flow',
  description:
    'A real FlowRuntime (Avro decode → filter → map → Avro encode → produce, at least once) and its ratio to raw passthrough of the same input, measured in the same run.',
  async run(context) {
    const kafka = await connectBenchKafka(context);
    try {
      const schemas = await benchSchemaCatalog(context.workDir);
      const output = context.uniqueName('bench.flow.out');
      const run = await measureFlowAgainstPassthrough(context, kafka, schemas, {
        yaml: (name, input) => customerToDwFlow(name, input, output),
        outputs: [output],
        expectedOutputs: activeCustomers,
      });
      const ratio = run.flow.perSecond / run.raw.perSecond;
      return {
        figures: flowFigures('flow (decode→filter→map→encode)', 'status = "ACTIVE" keeps 90%, mapped to crmhub.dw.DwCustomer', run),
        notes: [
          CLIENT_NOTE,
          `flow/raw ratio ${ratio.toFixed(2)} against the target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`,
        ],
        details: {
          records: run.records,
          warmUp: run.warmUp,
          partitions: PARTITIONS,
          rawSeconds: run.raw.seconds,
          flowSeconds: run.flow.seconds,
          produced: run.produced,
          ratio,
          targetRatio: TARGET_RATIO,
        },
      };
    } finally {
      await kafka.close();
    }
  },
};
