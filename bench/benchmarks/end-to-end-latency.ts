import { randomUUID } from 'node:crypto';
import path from 'node:path';
import YAML from 'yaml';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark, Figure } from '../runner/benchmark.js';
import { connectBenchKafka, CLIENT_NOTE, flowOutputTopic } from '../support/bench-kafka.js';
import { catalogWithTopics } from '../support/bench-topic-catalog.js';
import { ConnectorRuntimeHost } from '../support/connector-runtime-host.js';
import { PARTITIONS } from '../support/flow-against-passthrough.js';
import { FlowHost } from '../support/flow-host.js';
import { OutsideWorld } from '../support/outside-world.js';
import type { PacedResult } from '../support/paced-load.js';
import type { ArrivalSummary } from '../support/arrival-recorder.js';
import { collectGarbage } from '../support/rss-sampler.js';
import { webhookSecret, webhookSourceInstance } from '../support/webhook-source-instance.js';
import { WebhookServer } from '../support/webhook-server.js';
import { customerToDwFlow } from './flow-throughput.js';

/** Webhook requests awaiting their answer at most; beyond, the generator falls behind its rate (reported). */
const MAX_IN_FLIGHT = 256;

export function endToEndSizes(quick: boolean): { rates: number[]; warmUpSeconds: number; seconds: number; drainTimeoutMs: number } {
  return quick
    ? { rates: [500, 2000], warmUpSeconds: 1, seconds: 3, drainTimeoutMs: 60_000 }
    : { rates: [1000, 5000], warmUpSeconds: 3, seconds: 15, drainTimeoutMs: 180_000 };
}

interface RateRun {
  rate: number;
  sent: PacedResult;
  arrived: ArrivalSummary;
}

/** webhook → flow → http-sink, with the time from the webhook POST to the sink's delivery at a fixed rate. */
export const endToEndLatencyBenchmark: Benchmark = {
  name: 'end-to-end',
  description:
    'Signed webhooks at a fixed rate into an http-source, through a flow (filter + map to crmhub.dw.DwCustomer), delivered by an http-sink to a local HTTP server: latency from send to delivery (p50/p99) and the rate achieved.',
  async run(context) {
    const { rates, warmUpSeconds, seconds, drainTimeoutMs } = endToEndSizes(context.quick);
    const kafka = await connectBenchKafka(context);
    const input = context.uniqueName('bench.e2e.customers');
    const output = context.uniqueName('bench.e2e.dw');
    const source = context.uniqueName('bench-e2e-in');
    const sink = context.uniqueName('bench-e2e-out');
    const flowName = context.uniqueName('bench-e2e-flow');
    const secret = webhookSecret();
    let world: OutsideWorld | undefined;
    let host: ConnectorRuntimeHost | undefined;
    let flow: FlowHost | undefined;
    let server: WebhookServer | undefined;
    try {
      await kafka.admin.ensureTopics([{ topic: input, partitions: PARTITIONS }, flowOutputTopic(output, PARTITIONS)]);
      const schemas = await catalogWithTopics(path.join(context.workDir, 'schemas'), {
        [input]: { record: 'crmhub.customer.Customer', key: 'customerId' },
      });
      world = await OutsideWorld.start();
      const hubConfig = {
        connectors: {
          [source]: webhookSourceInstance(input, secret),
          // The receiver is on loopback: an IP literal on the allow-list is taken as meant.
          [sink]: {
            connector: 'http-sink',
            topics: [output],
            allowedHosts: ['127.0.0.1'],
            config: { url: world.arrivalsUrl, method: 'POST', body: 'value' },
          },
        },
      };
      const deps = { client: kafka.client, serde: kafka.serde, schemas };
      host = await ConnectorRuntimeHost.start(path.join(context.workDir, 'hub'), YAML.stringify(hubConfig), deps);
      flow = await FlowHost.start(path.join(context.workDir, 'flows'), flowName, customerToDwFlow(flowName, input, output), deps);
      server = await WebhookServer.start(host.runtime.webhookRouter, 1024 * 1024);
      const url = server.webhookUrl(source);

      const drive = async (rate: number, runSeconds: number, label: string): Promise<RateRun> => {
        const runId = `${label}-${randomUUID().slice(0, 8)}`;
        const sent = await world!.paced({
          url,
          ratePerSecond: rate,
          seconds: runSeconds,
          secret,
          eventIdPrefix: runId,
          maxInFlight: MAX_IN_FLIGHT,
        });
        const arrived = await world!.arrivals(runId, sent.accepted, drainTimeoutMs);
        if (sent.failed > 0)
          throw new BenchError(
            'BENCH_WRONG_OUTPUT',
            `${label}: ${sent.failed} of ${sent.sent} webhook requests were not accepted (${JSON.stringify(sent.statuses)})`,
          );
        if (arrived.arrived !== sent.accepted || arrived.unreadable > 0)
          throw new BenchError(
            'BENCH_WRONG_OUTPUT',
            `${label}: ${arrived.arrived} of ${sent.accepted} accepted events were delivered within ${drainTimeoutMs / 1000} s (${arrived.unreadable} unreadable deliveries)`,
          );
        return { rate, sent, arrived };
      };

      const runs: RateRun[] = [];
      for (const rate of rates) {
        await drive(rate, warmUpSeconds, `warm-${rate}`);
        collectGarbage();
        const run = await drive(rate, seconds, `e2e-${rate}`);
        context.log(
          `${rate}/s: ${run.sent.sent} sent (${Math.round(run.sent.sentPerSecond)}/s, ${run.sent.notSent} held back), delivered ${Math.round(run.arrived.deliveredPerSecond)}/s, p50 ${run.arrived.latency.p50} ms, p99 ${run.arrived.latency.p99} ms (webhook ack p50 ${run.sent.ack.p50.toFixed(1)} ms)`,
        );
        runs.push(run);
      }
      const figures: Figure[] = runs.flatMap(({ rate, sent, arrived }) => {
        const at = `at ${rate.toLocaleString('en-US')}/s`;
        const what = `${sent.accepted} signed webhook POSTs of one ACTIVE crm.customer.v1 customer each, sent open-loop at ${rate}/s for ${seconds} s (at most ${MAX_IN_FLIGHT} awaiting an answer), after a ${warmUpSeconds} s warm-up at that rate; through http-source → ${PARTITIONS}-partition topic → flow (filter + map to crmhub.dw.DwCustomer) → topic → http-sink (hub defaults: batch 100, concurrency 4) → a local HTTP server in the load generator's process`;
        return [
          {
            name: `end-to-end p50 ${at}`,
            value: arrived.latency.p50,
            unit: 'ms',
            measured: `median of (arrival at the receiving server − send time carried in meta.occurredAt, millisecond clock of one process) over ${what}. Baseline: the webhook's own answer (broker acknowledged) for the same requests`,
            baseline: { name: 'webhook ack p50, same requests', value: sent.ack.p50, unit: 'ms' },
          },
          {
            name: `end-to-end p99 ${at}`,
            value: arrived.latency.p99,
            unit: 'ms',
            measured: `99th percentile of the same latencies (${what})`,
            baseline: { name: 'webhook ack p99, same requests', value: sent.ack.p99, unit: 'ms' },
          },
          {
            name: `end-to-end achieved ${at}`,
            value: arrived.deliveredPerSecond,
            unit: 'msg/s',
            measured: `events delivered per second, from the first send to the last arrival (${what}); below the target when the hub did not keep up`,
            baseline: { name: 'target rate', value: rate, unit: 'msg/s' },
          },
        ];
      });
      const shortfalls = runs
        .filter((run) => run.arrived.deliveredPerSecond < run.rate * 0.95)
        .map(
          (run) =>
            `${run.rate}/s: ${Math.round(run.arrived.deliveredPerSecond)}/s delivered (${Math.round(run.sent.sentPerSecond)}/s sent, ${run.sent.notSent} requests held back by the in-flight cap)`,
        );
      return {
        figures,
        notes: [
          CLIENT_NOTE,
          ...(context.quick ? [`--quick runs ${rates.join(' and ')} msg/s instead of the issue's 1,000 and 5,000`] : []),
          ...(shortfalls.length > 0 ? [`target rate not sustained on this machine: ${shortfalls.join('; ')}`] : []),
          'latency has millisecond resolution (meta.occurredAt is timestamp-millis); sender and receiver share one process and clock, apart from the hub process',
        ],
        details: { seconds, warmUpSeconds, maxInFlight: MAX_IN_FLIGHT, partitions: PARTITIONS, runs },
      };
    } finally {
      await world?.stop();
      await server?.close();
      await flow?.stop();
      await host?.stop();
      await kafka.close();
    }
  },
};
