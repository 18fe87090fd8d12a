import { ManualClock } from '../../src/core/manual-clock.js';
import type { FlowMessage } from '../../src/flows/flow-message.js';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark } from '../runner/benchmark.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { compileBenchFlow, InProcessStages, liveChangelogBytes } from '../support/in-process-stages.js';
import { collectGarbage, mebibytes, RssSampler } from '../support/rss-sampler.js';
import { serviceEvent } from '../support/service-event.js';
import { SERVICE_EVENTS, serviceMessage, STATEFUL_BENCH_TOPICS, STATEFUL_OUTPUT, timePlainFlow } from '../support/stateful-bench-flows.js';

const PARTITIONS = 3;
const GROUPS = 10_000;
const WINDOW_MS = 60_000;
/** The records' event times cover this many one-minute windows, evenly: each group gets records in each. */
const WINDOWS = 10;
const CHUNK = 10_000;

export function aggregateSizes(quick: boolean): { records: number } {
  return { records: quick ? 100_000 : 1_000_000 };
}

export function aggregateFlow(name: string): string {
  return `name: ${name}
from: ${SERVICE_EVENTS}
steps:
  - aggregate:
      groupBy: dealerCode
      window: { tumbling: 1m }
      eventTime: occurredAt
      measures:
        tickets: { count: true }
        paid: { sum: amount }
        meanWait: { avg: waitMinutes }
        slowest: { max: waitMinutes }
        p90Wait: { percentile: { of: waitMinutes, p: 0.9 } }
to: { topic: ${STATEFUL_OUTPUT} }
`;
}

/** Event time of record `index` of `records`: the records spread evenly over WINDOWS windows from `start` (a window boundary). */
export function aggregateEventTime(start: number, index: number, records: number): number {
  return start + Math.floor((index * WINDOWS * WINDOW_MS) / records);
}

/** The (group, window) pairs the records fall in: the window records the aggregate must emit. */
export function expectedWindows(records: number, groups = GROUPS): number {
  const seen = new Set<number>();
  for (let index = 0; index < records; index++) seen.add(Math.floor((index * WINDOWS) / records) * groups + (index % groups));
  return seen.size;
}

/**
 * 1M service events into 10k dealers' one-minute tumbling windows (count, sum, avg, max, p90) through
 * a flow's aggregate stage in process, against the same records through a plain flow; the state
 * FlowState counts per open window and group, and peak RSS.
 */
export const aggregateBenchmark: Benchmark = {
  name: 'aggregate',
  description:
    "1M records into 10k groups' tumbling one-minute windows through the aggregate step in process (stages, repartition hop, FlowState over InMemoryPartitionedState): msg/s against a plain filter+map flow over the same records, state bytes per group, peak RSS.",
  async run(context) {
    const { records } = aggregateSizes(context.quick);
    const schemas = await benchSchemaCatalog(context.workDir, STATEFUL_BENCH_TOPICS);
    // An hour back, on a window boundary; the clock stays put (no idleness) until every record is in.
    const clock = new ManualClock(Date.now());
    const start = Math.floor((clock.now() - 3_600_000) / WINDOW_MS) * WINDOW_MS;
    const make = (index: number): FlowMessage => serviceMessage(serviceEvent(index, GROUPS, aggregateEventTime(start, index, records)));

    collectGarbage();
    const plainMs = await timePlainFlow(schemas, records, make);
    context.log(`plain flow: ${records} messages in ${(plainMs / 1000).toFixed(2)} s`);

    const flow = compileBenchFlow(aggregateFlow('bench-aggregate'), schemas, { clock });
    let emitted = 0;
    const stages = new InProcessStages(flow, PARTITIONS, (output) => {
      if (output.message.value.tickets !== undefined) emitted++;
    });
    collectGarbage();
    const rssBefore = process.memoryUsage.rss();
    const rss = new RssSampler().start();
    let ms = 0;
    let widest = { keys: 0, bytes: 0, timers: 0 };
    let widestChangelogBytes = 0;
    for (let from = 0; from < records; from += CHUNK) {
      const messages: FlowMessage[] = [];
      for (let index = from; index < Math.min(records, from + CHUNK); index++) messages.push(make(index));
      const started = performance.now();
      await stages.push(messages);
      ms += performance.now() - started;
      const size = stages.state.size();
      if (size.timers > widest.timers) {
        widest = size;
        widestChangelogBytes = liveChangelogBytes(stages.store);
      }
      rss.sample();
    }
    // The stream goes quiet: once idle, the watermark passes the last window's end and it closes too.
    clock.advance(10 * WINDOW_MS);
    const closing = performance.now();
    await stages.fireDue();
    ms += performance.now() - closing;
    const peakRss = rss.stop();
    const expected = expectedWindows(records);
    if (emitted !== expected || stages.state.size().timers !== 0)
      throw new BenchError(
        'BENCH_WRONG_OUTPUT',
        `the aggregate emitted ${emitted} window records (expected ${expected}); ${stages.state.size().timers} windows still open`,
      );
    await flow.close();
    context.log(`aggregated ${records} records into ${emitted} windows in ${(ms / 1000).toFixed(2)} s; peak RSS ${peakRss} MiB`);

    const perSecond = records / (ms / 1000);
    const plainPerSecond = records / (plainMs / 1000);
    // Each open window has its close timer: the timers count the open windows.
    const bytesPerGroup = widest.bytes / widest.timers;
    const count = records.toLocaleString('en-US');
    return {
      figures: [
        {
          name: `aggregate (${count} records, 10k groups, tumbling 1m)`,
          value: perSecond,
          unit: 'msg/s',
          measured: `service events (10,000 dealers, event times spread over ${WINDOWS} one-minute windows, a record per group every ~${Math.round((GROUPS * WINDOWS * WINDOW_MS) / records / 1000)} s) through aggregate (groupBy dealerCode; count, sum, avg, max, p90) in process over InMemoryPartitionedState (${PARTITIONS} partitions): the first stage, the JSON round trip of the repartition hop, the aggregate stage in batches of 2,000 per partition inside state.exclusive with one flush each and the windows the watermark closed fired after each batch; then the last windows closed on idleness. Checked: one record per (group, window), ${expected.toLocaleString('en-US')}. Baseline: the same records through a flow of a filter and a map only, in the same process just before`,
          baseline: { name: 'plain flow (filter + map), in process', value: plainPerSecond, unit: 'msg/s' },
        },
        {
          name: 'aggregate state per group',
          value: bytesPerGroup,
          unit: 'bytes',
          measured: `FlowState.size().bytes (keys and values as JSON, what the changelog holds) ÷ open windows (one close timer each), at the moment most were open (${widest.timers.toLocaleString('en-US')} windows, ${widest.keys.toLocaleString('en-US')} keys, ${widest.bytes.toLocaleString('en-US')} bytes): a group's open window with its accumulators (the p90 sketch included), its close timer, and the partition's watermark and applied offsets shared out`,
        },
        {
          name: 'aggregate changelog bytes per group',
          value: widestChangelogBytes / widest.timers,
          unit: 'bytes',
          measured: `at the same moment, the bytes of key and value of every live state entry as PartitionedChangelogStore writes it to the changelog topic (the key, JSON of the value and its expiry), ÷ open windows: what the compacted state topic holds per group, without Kafka's per-record overhead`,
        },
        {
          name: 'aggregate peak RSS',
          value: peakRss,
          unit: 'MiB',
          measured: `highest RSS sampled (every 100 ms and after each chunk of ${CHUNK.toLocaleString('en-US')}) while aggregating; Node, tsx and the compiled flow included. Baseline: RSS after garbage collection just before`,
          baseline: { name: 'before aggregating', value: mebibytes(rssBefore), unit: 'MiB' },
        },
      ],
      notes: [
        'in process (no broker, no Avro): both flows run as compiled, the stateful one through its two stages with the repartition hop as JSON text; state bytes are counted from the state held (FlowState, and the changelog records as the store would write them), not read off a topic',
      ],
      details: {
        records,
        groups: GROUPS,
        windows: expected,
        partitions: PARTITIONS,
        seconds: ms / 1000,
        plainSeconds: plainMs / 1000,
        widestState: widest,
        widestChangelogBytes,
        rssBeforeMiB: mebibytes(rssBefore),
        peakRssMiB: peakRss,
      },
    };
  },
};
