import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { projectRoot } from '../../src/platform/infra/project-root.js';
import { startDemoLandscape, type DemoLandscape } from '../../src/demo/demo-landscape.js';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark } from '../runner/benchmark.js';
import { connectBenchKafka, type BenchKafka } from '../support/bench-kafka.js';
import { HubProcess } from '../support/hub-process.js';
import { OutsideWorld } from '../support/outside-world.js';
import type { PacedResult } from '../support/paced-load.js';
import { percentileSummary, type PercentileSummary } from '../support/percentile-summary.js';
import { mebibytes } from '../support/rss-sampler.js';
import { topicRecordCount } from '../support/topic-record-count.js';
import { webhookSecret, webhookSourceInstance } from '../support/webhook-source-instance.js';

/**
 * Customer events per second pushed on top of the demo's polling connectors: a steady trickle
 * through every shipped flow, well below what the whole hub takes on a small machine (each webhook
 * is two acknowledged produce requests on the runtime's one producer), so that the hub is at
 * steady state rather than queueing.
 */
const LOAD_RATE = 20;
const LOAD_INSTANCE = 'bench-load';
const SAMPLE_MS = 250;
/** A hub with nothing to do: its fixed cost (HTTP server, admin API, Kafka and registry clients, dead-letter office, metrics). */
export const IDLE_HUB_CONFIG = 'connectors: {}\ncustomerView:\n  enabled: false\n';

export function steadyStateSizes(quick: boolean): {
  idleSettleSeconds: number;
  idleSeconds: number;
  warmUpSeconds: number;
  seconds: number;
} {
  return quick
    ? { idleSettleSeconds: 1, idleSeconds: 1, warmUpSeconds: 6, seconds: 3 }
    : { idleSettleSeconds: 10, idleSeconds: 10, warmUpSeconds: 45, seconds: 60 };
}

/** The demo hub config with one more instance: a push source for the benchmark's load onto crm.customer.v1. */
export async function loadedHubConfig(secret: string): Promise<string> {
  const demo = YAML.parse(await fs.readFile(path.join(projectRoot(), 'config', 'demo.crm-hub.yaml'), 'utf8')) as {
    connectors: Record<string, unknown>;
  };
  return YAML.stringify({ ...demo, connectors: { ...demo.connectors, [LOAD_INSTANCE]: webhookSourceInstance('crm.customer.v1', secret) } });
}

/** RSS of a running `crm-hub run` process with the demo landscape and a webhook load, against an idle hub. */
export const steadyStateMemoryBenchmark: Benchmark = {
  name: 'steady-state-memory',
  description: `RSS of a \`crm-hub run\` process at steady state with demo-like load (config/demo.crm-hub.yaml against the demo simulators, the shipped flows and customer view, plus ${LOAD_RATE} signed customer webhooks/s), against the same hub idle (no connectors, no flows, customer view off).`,
  async run(context) {
    const sizes = steadyStateSizes(context.quick);
    const kafka = await connectBenchKafka(context);
    let idleHub: HubProcess | undefined;
    let hub: HubProcess | undefined;
    let demo: DemoLandscape | undefined;
    let world: OutsideWorld | undefined;
    try {
      const emptyFlows = path.join(context.workDir, 'no-flows');
      await fs.mkdir(emptyFlows, { recursive: true });
      const idleConfig = path.join(context.workDir, 'idle-hub.yaml');
      await fs.writeFile(idleConfig, IDLE_HUB_CONFIG);
      const worldStarting = OutsideWorld.start();
      demo = await startDemoLandscape();
      const secret = webhookSecret();
      const configFile = path.join(context.workDir, 'loaded-hub.yaml');
      await fs.writeFile(configFile, await loadedHubConfig(secret));
      // Both at once: the idle hub has no consumer group (no connectors, flows or customer view) to
      // share with the loaded one, and its few seconds of sampling fall in the loaded hub's warm-up.
      idleHub = await HubProcess.start({
        label: 'the idle hub',
        brokers: context.brokers,
        registryUrl: context.registryUrl,
        configFile: idleConfig,
        flowsDir: emptyFlows,
        dataDir: path.join(context.workDir, 'idle-hub'),
      });
      hub = await HubProcess.start({
        label: 'the loaded hub',
        brokers: context.brokers,
        registryUrl: context.registryUrl,
        configFile,
        flowsDir: path.join(projectRoot(), 'flows'),
        dataDir: path.join(context.workDir, 'loaded-hub'),
        env: demo.env,
      });
      const idleMeasured = measureIdle(idleHub, sizes);
      // Nobody waits on it until the loaded window ends; a failure is reported then.
      idleMeasured.catch(() => undefined);
      const starting = performance.now();
      await hub.ready(180_000);
      context.log(`loaded hub healthy in ${Math.round((performance.now() - starting) / 100) / 10} s`);
      world = await worldStarting;
      const loadStarted = await topicCounts(kafka);
      const loading = world.paced({
        url: `${hub.url}/webhooks/${LOAD_INSTANCE}`,
        ratePerSecond: LOAD_RATE,
        seconds: sizes.warmUpSeconds + sizes.seconds,
        secret,
        eventIdPrefix: `memory-${randomUUID().slice(0, 8)}`,
        maxInFlight: 256,
      });
      await new Promise((resolve) => setTimeout(resolve, sizes.warmUpSeconds * 1000));
      const loaded = await sampleRss(hub, sizes.seconds);
      const flowed = await topicCounts(kafka);
      const load: PacedResult = await loading;
      const idle = await idleMeasured;
      context.log(`idle hub: median RSS ${idle.p50} MiB`);
      if (load.failed > 0)
        throw new BenchError(
          'BENCH_WRONG_OUTPUT',
          `${load.failed} of ${load.sent} load requests were not accepted by the hub (${JSON.stringify(load.statuses)}):\n${hub.logTail(10)}`,
        );
      // Over the whole load, not just the window: the dedupe flow to the warehouse writes in bursts.
      const through = Object.fromEntries(
        Object.keys(flowed).map((topic) => [
          topic,
          Math.round((flowed[topic]! - loadStarted[topic]!) / (sizes.warmUpSeconds + sizes.seconds)),
        ]),
      );
      if (!(through['dw.customer.v1']! > 0))
        throw new BenchError(
          'BENCH_NO_LOAD',
          `nothing reached dw.customer.v1 under load: the shipped flows did not run (${JSON.stringify(through)})`,
        );
      context.log(`loaded hub: median RSS ${loaded.p50} MiB (${loaded.max} MiB at most); records/s ${JSON.stringify(through)}`);
      const window = `${sizes.seconds} s sampled every ${SAMPLE_MS} ms after ${sizes.warmUpSeconds} s of load`;
      return {
        figures: [
          {
            name: 'hub RSS at steady state',
            value: loaded.p50,
            unit: 'MiB',
            measured: `median RSS of the \`crm-hub run\` Node process (read from /proc) over ${window}: the demo hub config against the demo simulators (polling every 5 s), the shipped flows, the customer view, and ${LOAD_RATE} signed customer webhooks/s onto crm.customer.v1 (achieved ${Math.round(load.acceptedPerSecond)}/s). Baseline: the same hub with no connectors, no flows and the customer view off, started beside it and stopped before the window, median over ${sizes.idleSeconds} s after ${sizes.idleSettleSeconds} s idle`,
            baseline: { name: 'idle hub, same run', value: idle.p50, unit: 'MiB' },
          },
          {
            name: 'hub RSS peak at steady state',
            value: loaded.max,
            unit: 'MiB',
            measured: `highest RSS sampled in the same window (${window})`,
            baseline: { name: 'idle hub peak', value: idle.max, unit: 'MiB' },
          },
        ],
        notes: [
          `RSS went from ${loaded.first} to ${loaded.last} MiB over the window${context.quick ? ' (with --quick the load has run a few seconds only: not yet steady)' : ''}; records/s under load: ${Object.entries(
            through,
          )
            .map(([topic, rate]) => `${topic} ${rate}`)
            .join(', ')}`,
          'the demo simulators run in the benchmark process, not in the hub (npm start runs them inside it)',
        ],
        details: { loadRate: LOAD_RATE, ...sizes, sampleMs: SAMPLE_MS, idle, loaded, recordsPerSecond: through, load },
      };
    } finally {
      const stopping = performance.now();
      await world?.stop();
      await Promise.all([idleHub?.stop(), hub?.stop()]);
      context.log(`hubs stopped in ${Math.round((performance.now() - stopping) / 100) / 10} s`);
      await demo?.close();
      await kafka.close();
    }
  },
};

/** The baseline hub: up, settled, sampled and stopped again, meanwhile the loaded hub warms up. */
async function measureIdle(
  hub: HubProcess,
  sizes: ReturnType<typeof steadyStateSizes>,
): Promise<PercentileSummary & { first: number; last: number }> {
  await hub.ready(180_000);
  await new Promise((resolve) => setTimeout(resolve, sizes.idleSettleSeconds * 1000));
  const idle = await sampleRss(hub, sizes.idleSeconds);
  await hub.stop();
  return idle;
}

/** RSS of the hub in MiB every SAMPLE_MS for `seconds`, summed up; the hub must stay up throughout. */
async function sampleRss(hub: HubProcess, seconds: number): Promise<PercentileSummary & { first: number; last: number }> {
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    samples.push(mebibytes(await hub.rssBytes()));
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
  }
  return { ...percentileSummary(samples), first: samples[0]!, last: samples[samples.length - 1]! };
}

/** Records held by the topics the load goes through: in (crm.customer.v1) and out of the shipped flows. */
async function topicCounts(kafka: BenchKafka): Promise<Record<string, number>> {
  const topics = ['crm.customer.v1', 'dw.customer.v1', 'erp.customer.v1'];
  return Object.fromEntries(await Promise.all(topics.map(async (topic) => [topic, await topicRecordCount(kafka.admin, topic)] as const)));
}
