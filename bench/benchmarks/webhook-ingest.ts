import { randomUUID } from 'node:crypto';
import path from 'node:path';
import YAML from 'yaml';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark, Figure } from '../runner/benchmark.js';
import { connectBenchKafka, CLIENT_NOTE } from '../support/bench-kafka.js';
import { catalogWithTopics } from '../support/bench-topic-catalog.js';
import { ConnectorRuntimeHost } from '../support/connector-runtime-host.js';
import { PARTITIONS } from '../support/flow-against-passthrough.js';
import { OutsideWorld } from '../support/outside-world.js';
import { collectGarbage } from '../support/rss-sampler.js';
import type { SaturationResult } from '../support/saturating-load.js';
import { settledRecordCount } from '../support/topic-record-count.js';
import { webhookSecret, webhookSourceInstance } from '../support/webhook-source-instance.js';
import { WebhookServer } from '../support/webhook-server.js';

/** Requests in flight at once: enough to keep the broker's produce path busy, few enough to stay below the hub's body of work per event loop turn. */
const CONNECTIONS = 32;
const MAX_BODY_BYTES = 1024 * 1024;

export function webhookIngestSizes(quick: boolean): { warmUpSeconds: number; seconds: number } {
  return quick ? { warmUpSeconds: 1, seconds: 2 } : { warmUpSeconds: 3, seconds: 15 };
}

/** Signed HTTP POSTs to a push source until the broker acknowledged each, against the same server answering 200 without producing. */
export const webhookIngestBenchmark: Benchmark = {
  name: 'webhook-ingest',
  description:
    'autocannon POSTing signed customer events to an http-source webhook (ConnectorRuntime behind express; 200 only once the broker acknowledged the record): requests/s and p50/p99 latency, against the same express server answering 200 without producing.',
  async run(context) {
    const { warmUpSeconds, seconds } = webhookIngestSizes(context.quick);
    const kafka = await connectBenchKafka(context);
    const topic = context.uniqueName('bench.webhook.customers');
    const instance = context.uniqueName('bench-webhook');
    const secret = webhookSecret();
    let world: OutsideWorld | undefined;
    let host: ConnectorRuntimeHost | undefined;
    let server: WebhookServer | undefined;
    try {
      await kafka.admin.ensureTopics([{ topic, partitions: PARTITIONS }]);
      const schemas = await catalogWithTopics(path.join(context.workDir, 'schemas'), {
        [topic]: { record: 'crmhub.customer.Customer', key: 'customerId' },
      });
      const worldStarting = OutsideWorld.start();
      host = await ConnectorRuntimeHost.start(
        path.join(context.workDir, 'hub'),
        YAML.stringify({ connectors: { [instance]: webhookSourceInstance(topic, secret) } }),
        { client: kafka.client, serde: kafka.serde, schemas },
      );
      server = await WebhookServer.start(host.runtime.webhookRouter, MAX_BODY_BYTES);
      world = await worldStarting;

      const load = async (url: string, label: string): Promise<{ warmUp: SaturationResult; timed: SaturationResult }> => {
        const run = randomUUID().slice(0, 8);
        const warmUp = await world!.saturate({
          url,
          connections: CONNECTIONS,
          seconds: warmUpSeconds,
          secret,
          eventIdPrefix: `${label}-warm-${run}`,
        });
        collectGarbage();
        const timed = await world!.saturate({ url, connections: CONNECTIONS, seconds, secret, eventIdPrefix: `${label}-${run}` });
        context.log(
          `${label}: ${timed.accepted} accepted in ${timed.seconds} s (${Math.round(timed.perSecond)}/s, p50 ${timed.p50Ms} ms, p99 ${timed.p99Ms} ms)`,
        );
        for (const result of [warmUp, timed]) {
          if (result.non2xx > 0 || result.mismatches > 0 || result.timeouts > 0)
            throw new BenchError(
              'BENCH_WRONG_OUTPUT',
              `${label}: ${result.non2xx} answers not 2xx, ${result.mismatches} not "accepted", ${result.timeouts} timed out`,
            );
        }
        return { warmUp, timed };
      };
      const ceiling = await load(server.ceilingUrl(instance), 'ceiling');
      const hub = await load(server.webhookUrl(instance), 'webhook');

      // Every 200 means a record the broker acknowledged; requests cut off when the generator stopped may have been produced unanswered.
      const produced = await settledRecordCount(kafka.admin, topic);
      const accepted = hub.warmUp.accepted + hub.timed.accepted;
      const sent = hub.warmUp.sent + hub.timed.sent;
      if (produced < accepted || produced > sent)
        throw new BenchError(
          'BENCH_WRONG_OUTPUT',
          `${topic} holds ${produced} records, but the webhook accepted ${accepted} of ${sent} requests`,
        );

      const what = `signed POSTs of one crm.customer.v1 customer each (new event id per request, HMAC-SHA256 per request), ${CONNECTIONS} autocannon connections for ${seconds} s after a ${warmUpSeconds} s warm-up`;
      const baseline = (name: string, value: number, unit: string) => ({ name, value, unit });
      const figures: Figure[] = [
        {
          name: 'webhook ingest',
          value: hub.timed.perSecond,
          unit: 'req/s',
          measured: `requests answered 200 "accepted" per second: ${what}; each answered only once the broker acknowledged the record (acks=all) on a ${PARTITIONS}-partition topic and the event id was remembered. Baseline: the same express server's route that reads the body and answers 200 without checking or producing, same load just before`,
          baseline: baseline('HTTP ceiling, same server', ceiling.timed.perSecond, 'req/s'),
        },
        {
          name: 'webhook ingest p50 latency',
          value: hub.timed.p50Ms,
          unit: 'ms',
          measured: `median of autocannon's per-request latency (request written to answer read, whole milliseconds) of the accepted requests of the timed run (${what})`,
          baseline: baseline('HTTP ceiling p50', ceiling.timed.p50Ms, 'ms'),
        },
        {
          name: 'webhook ingest p99 latency',
          value: hub.timed.p99Ms,
          unit: 'ms',
          measured: `99th percentile of the same latencies; with ${CONNECTIONS} closed loops it includes queueing in the server`,
          baseline: baseline('HTTP ceiling p99', ceiling.timed.p99Ms, 'ms'),
        },
      ];
      return {
        figures,
        notes: [
          CLIENT_NOTE,
          `load generator (autocannon ${CONNECTIONS} connections, bodies built and signed per request) in a process of its own; the hub side is a ConnectorRuntime behind a bare express app with its webhookRouter, not the full hub HTTP server`,
        ],
        details: {
          connections: CONNECTIONS,
          seconds,
          warmUpSeconds,
          partitions: PARTITIONS,
          ceiling: ceiling.timed,
          webhook: hub.timed,
          produced,
          acceptedIncludingWarmUp: accepted,
        },
      };
    } finally {
      await world?.stop();
      await server?.close();
      await host?.stop();
      await kafka.close();
    }
  },
};
