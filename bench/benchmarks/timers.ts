import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/core/clock.js';
import { sleep } from '../../src/core/sleep.js';
import { FlowState, type FlowStateSize } from '../../src/flows/state/flow-state.js';
import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { KafkajsClient } from '../../src/platform/kafka/kafkajs-client.js';
import { changelogTopicName, PartitionedChangelogStore } from '../../src/platform/state/partitioned-changelog-store.js';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark, BenchmarkContext } from '../runner/benchmark.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { benchTimerStep } from '../support/bench-timer-step.js';
import { HelperProcess } from '../support/helper-process.js';
import {
  STATE_RESTORE_ENV,
  type StateRestoreCommand,
  type StateRestoreResult,
  type StateRestoreSettings,
} from '../support/state-restore-protocol.js';
import { compileBenchFlow, InProcessStages } from '../support/in-process-stages.js';
import { percentileSummary, type PercentileSummary } from '../support/percentile-summary.js';
import { collectGarbage, mebibytes, RssSampler } from '../support/rss-sampler.js';
import { serviceEvent, ticketNumber } from '../support/service-event.js';
import { SERVICE_EVENTS, serviceMessage, STATEFUL_BENCH_TOPICS, STATEFUL_OUTPUT, timePlainFlow } from '../support/stateful-bench-flows.js';

const PARTITIONS = 3;
/** The flow's `time.idleTimeout`: how long after the last record the watermark starts moving with the wall clock. */
const IDLE_TIMEOUT_MS = 1_000;
/** How often the timers of idle partitions are looked at: FlowRunner's timer tick. */
const TICK_MS = 1_000;
/** The earliest timer is due this long after the watermark starts moving with the clock. */
const LEAD_MS = 2_000;
/** Timers written to the changelog per journal (one produce request each). */
const WRITE_BATCH = 5_000;
/** A prime not dividing any size used, so that `index × STRIDE mod count` visits every slot once: due times in shuffled order. */
const STRIDE = 999_983;
const GROUPS = 10_000;
const RESTORE_ENTRY = fileURLToPath(new URL('../support/state-restore-process.ts', import.meta.url));

export interface TimerSizes {
  timers: number;
  /** Wall-clock seconds over which the due times are spread. */
  spreadSeconds: number;
}

export function timerSizes(quick: boolean): TimerSizes {
  return quick ? { timers: 100_000, spreadSeconds: 10 } : { timers: 1_000_000, spreadSeconds: 60 };
}

/** Timer `index`'s place in the due order: a permutation of 0..count-1. */
export function dueRank(index: number, count: number): number {
  return Number((BigInt(index) * BigInt(STRIDE)) % BigInt(count));
}

export function timersFlow(name: string): string {
  return `name: ${name}
from: ${SERVICE_EVENTS}
steps:
  - bench-timer: { key: ticketNumber, eventTime: occurredAt }
to: { topic: ${STATEFUL_OUTPUT} }
time: { idleTimeout: ${IDLE_TIMEOUT_MS / 1000}s }
`;
}

/**
 * A million durable timers: scheduled through a flow's stateful stage in process (against the same
 * records through a plain flow), held pending (memory), fired by the runner's timer tick on the wall
 * clock once the stream went idle (lateness against the due time), and written to a
 * `PartitionedChangelogStore` on the broker and restored by a new store (against reading the same
 * changelog partitions alone).
 */
export const timersBenchmark: Benchmark = {
  name: 'timers',
  description:
    "Durable timers of a flow's stateful stage: scheduling rate in process, memory with 1M pending, firing lateness on the wall clock after idleness, and the restore of 1M timers from a PartitionedChangelogStore changelog on the broker.",
  async run(context) {
    const sizes = timerSizes(context.quick);
    const { timers, spreadSeconds } = sizes;
    const schemas = await benchSchemaCatalog(context.workDir, STATEFUL_BENCH_TOPICS);
    const run = await measureInProcess(context, schemas, sizes);
    const restore = await measureRestore(context, timers);
    const { plainMs, scheduleMs, pending, rssBefore, rssPending, heapBefore, heapPending, peakRss, firingSeconds, firingBusyMs, late } =
      run;
    const schedulePerSecond = timers / (scheduleMs / 1000);
    const plainPerSecond = timers / (plainMs / 1000);
    const count = timers.toLocaleString('en-US');
    const firingWhat = `${count} timers due spread evenly over ${spreadSeconds} s of wall clock, starting ${LEAD_MS / 1000} s after the stream went idle (idleTimeout ${IDLE_TIMEOUT_MS / 1000} s); as FlowRunner does, the stage sleeps until a partition's watermark reaches its earliest timer (at most ${TICK_MS / 1000} s) and each partition whose earliest timer its watermark reached fires them through the stage's fireTimers (takeDue, onTimer, flush). Lateness = the partition's watermark when the step's onTimer ran − the timer's due time; an idle partition's watermark moves 1:1 with the wall clock, so it is the wall-clock delay from due to fired`;
    return {
      figures: [
        {
          name: `timers scheduled (${count}, in process)`,
          value: schedulePerSecond,
          unit: 'msg/s',
          measured: `service events through a flow whose stateful step schedules one timer per message (id = ticket number, event time a millisecond apart), in process over InMemoryPartitionedState (${PARTITIONS} partitions): first stage, JSON round trip of the repartition hop, the stateful stage in batches of 2,000 inside state.exclusive with one flush each. Baseline: the same messages through a flow of a filter and a map only, in the same process just before`,
          baseline: { name: 'plain flow (filter + map), in process', value: plainPerSecond, unit: 'msg/s' },
        },
        {
          name: `heap with ${count} timers pending`,
          value: mebibytes(heapPending),
          unit: 'MiB',
          measured: `V8 heap used after garbage collection once every timer was scheduled and none fired (the store's entries, the due-time queues, the watermarks); FlowState counts ${pending.bytes.toLocaleString('en-US')} bytes of keys and values as JSON (${Math.round(pending.bytes / timers)} per timer). Baseline: heap used after garbage collection just before scheduling`,
          baseline: { name: 'before scheduling', value: mebibytes(heapBefore), unit: 'MiB' },
        },
        {
          name: `peak RSS, ${count} timers scheduled and fired`,
          value: peakRss,
          unit: 'MiB',
          measured: `highest RSS sampled every 100 ms from the start of scheduling to the last timer fired (Node, tsx and the compiled flow included). Baseline: RSS after garbage collection just before scheduling`,
          baseline: { name: 'before scheduling', value: mebibytes(rssBefore), unit: 'MiB' },
        },
        { name: 'timer firing lateness p50', value: late.p50, unit: 'ms', measured: firingWhat },
        { name: 'timer firing lateness p99', value: late.p99, unit: 'ms', measured: firingWhat },
        {
          name: 'timers fired per second of firing',
          value: timers / (firingBusyMs / 1000),
          unit: 'msg/s',
          measured: `${count} timers ÷ the time spent inside the ticks' firing (takeDue, onTimer, the outputs, flush; the waits between ticks left out): the rate of due timers the stage can fire. Above the due rate (${Math.round(timers / spreadSeconds).toLocaleString('en-US')}/s here) the lateness is the tick's; below it timers queue and lateness grows`,
        },
        {
          name: `restore ${count} timers (broker)`,
          value: restore.restored.seconds,
          unit: 's',
          measured: `in a new process (forked, cold, as a hub started again after a kill): a new client and PartitionedChangelogStore over the changelog the timers were written to, a new FlowState attached: from assign([0, 1, 2]) until it resolved, i.e. every changelog partition read to its end and every timer indexed by due time; checked: ${count} timers pending after. That process's heap after garbage collection went from ${restore.restored.heapBeforeMiB} to ${restore.restored.heapRestoredMiB} MiB, its RSS from ${restore.restored.rssBeforeMiB} to ${restore.restored.rssRestoredMiB} MiB. Baseline: readPartitionsToEnd of the same partitions alone (records fetched, nothing parsed or indexed) in the benchmark process, just before`,
          baseline: { name: 'changelog partitions read alone', value: restore.readSeconds, unit: 's' },
        },
        {
          name: `timers written to the changelog (broker)`,
          value: restore.writePerSecond,
          unit: 'msg/s',
          measured: `schedule + flush of ${count} timers over a PartitionedChangelogStore, ${WRITE_BATCH.toLocaleString('en-US')} per journal (one produce request, acks=all) per partition in turn`,
        },
      ],
      notes: [
        'scheduling and firing run in process (no broker), the restore on the broker; the step is a benchmark-only `bench-timer` step scheduling one timer per message through keyedState(), so the figures are those of the state layer, not of one step',
      ],
      details: {
        timers,
        partitions: PARTITIONS,
        scheduleSeconds: scheduleMs / 1000,
        plainSeconds: plainMs / 1000,
        stateBytes: pending.bytes,
        rssBeforeMiB: mebibytes(rssBefore),
        rssPendingMiB: mebibytes(rssPending),
        heapBeforeMiB: mebibytes(heapBefore),
        heapPendingMiB: mebibytes(heapPending),
        peakRssMiB: peakRss,
        firingSeconds,
        firingBusySeconds: firingBusyMs / 1000,
        spreadSeconds,
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        tickMs: TICK_MS,
        lateness: late,
        restore,
      },
    };
  },
};

interface InProcessRun {
  plainMs: number;
  scheduleMs: number;
  pending: FlowStateSize;
  rssBefore: number;
  rssPending: number;
  heapBefore: number;
  heapPending: number;
  peakRss: number;
  firingSeconds: number;
  /** Milliseconds spent inside the ticks' firing (the waits between ticks left out). */
  firingBusyMs: number;
  late: PercentileSummary;
}

/** Schedules the timers through the flow in process (the plain flow first, as baseline), then lets the stream go idle and fires them all. */
async function measureInProcess(
  context: BenchmarkContext,
  schemas: SchemaCatalog,
  { timers, spreadSeconds }: TimerSizes,
): Promise<InProcessRun> {
  // Event times an hour back, a millisecond apart; due times after the last of them, shuffled.
  const firstEventTime = Date.now() - 3_600_000;
  const lastEventTime = firstEventTime + timers - 1;
  const dueOf = (index: number) =>
    lastEventTime + IDLE_TIMEOUT_MS + LEAD_MS + Math.floor((dueRank(index, timers) / timers) * spreadSeconds * 1000);
  const make = (index: number) => serviceMessage(serviceEvent(index, GROUPS, firstEventTime + index));

  collectGarbage();
  const plainMs = await timePlainFlow(schemas, timers, make);
  context.log(`plain flow: ${timers} messages in ${(plainMs / 1000).toFixed(2)} s`);

  const lateness = new Float64Array(timers);
  let fired = 0;
  const flow = compileBenchFlow(timersFlow('bench-timers'), schemas, {
    clock: systemClock,
    extraSteps: [
      benchTimerStep({
        dueAt: (message) => dueOf(Number(String(message.value.ticketNumber).slice(1))),
        fired: (dueAt, watermark) => (lateness[fired++] = watermark - dueAt),
      }),
    ],
  });
  const stages = new InProcessStages(flow, PARTITIONS);
  collectGarbage();
  const rssBefore = process.memoryUsage.rss();
  const heapBefore = process.memoryUsage().heapUsed;
  const rss = new RssSampler().start();
  let scheduleMs = 0;
  for (let from = 0; from < timers; from += 10_000) {
    const messages = [];
    for (let index = from; index < Math.min(timers, from + 10_000); index++) messages.push(make(index));
    const started = performance.now();
    await stages.push(messages);
    scheduleMs += performance.now() - started;
  }
  const pending = stages.state.size();
  if (pending.timers !== timers || fired !== 0)
    throw new BenchError('BENCH_WRONG_STATE', `${pending.timers} timers pending and ${fired} fired after scheduling ${timers}`);
  collectGarbage();
  const rssPending = process.memoryUsage.rss();
  const heapPending = process.memoryUsage().heapUsed;
  context.log(
    `scheduled ${timers} timers in ${(scheduleMs / 1000).toFixed(2)} s; ${mebibytes(rssPending)} MiB RSS, ${mebibytes(heapPending)} MiB heap pending`,
  );

  // The stream is quiet from now on: the watermark moves with the wall clock once idle, the tick fires what it reached.
  const firingStarted = performance.now();
  let firingBusyMs = 0;
  const deadline = firingStarted + (IDLE_TIMEOUT_MS + LEAD_MS + spreadSeconds * 1000) * 3 + 60_000;
  while (fired < timers && performance.now() < deadline) {
    // As FlowRunner: sleep until a partition's watermark reaches its earliest timer, at most a tick.
    const now = Date.now();
    let soonest = now + TICK_MS;
    for (const partition of stages.state.assigned) soonest = Math.min(soonest, stages.state.wallTimeDue(partition) ?? soonest);
    await sleep(Math.max(10, soonest - now));
    const tick = performance.now();
    await stages.fireDue();
    firingBusyMs += performance.now() - tick;
  }
  const firingSeconds = (performance.now() - firingStarted) / 1000;
  const peakRss = rss.stop();
  if (fired !== timers || stages.outputs !== timers || stages.state.size().timers !== 0)
    throw new BenchError(
      'BENCH_WRONG_OUTPUT',
      `${fired} of ${timers} timers fired, ${stages.outputs} outputs, ${stages.state.size().timers} still pending after ${firingSeconds.toFixed(1)} s`,
    );
  const late = percentileSummary(Array.from(lateness));
  const early = lateness.reduce((least, value) => Math.min(least, value), Infinity);
  if (early < 0) throw new BenchError('BENCH_TIMER_EARLY', `a timer fired ${-early} ms before its due time`);
  context.log(
    `fired ${timers} timers in ${firingSeconds.toFixed(1)} s; lateness p50 ${late.p50} ms, p99 ${late.p99} ms, max ${late.max} ms`,
  );
  await flow.close();
  return { plainMs, scheduleMs, pending, rssBefore, rssPending, heapBefore, heapPending, peakRss, firingSeconds, firingBusyMs, late };
}

interface RestoreRun {
  writeSeconds: number;
  writePerSecond: number;
  readSeconds: number;
  readRecords: number;
  readBytes: number;
  restored: StateRestoreResult;
}

/** Writes `timers` timers to a changelog on the broker through FlowState, then times a new store's restore of them. */
async function measureRestore(context: BenchmarkContext, timers: number): Promise<RestoreRun> {
  const owner = context.uniqueName('bench.timers');
  const inputTopic = context.uniqueName('bench.timers.in');
  const topic = changelogTopicName(owner);
  const partitions = [...Array(PARTITIONS).keys()];
  const dueBase = Date.now() + 86_400_000;

  const writer = new KafkajsClient({ brokers: context.brokers, clientId: 'crm-hub-bench' });
  const admin = await writer.admin();
  await admin.ensureTopics([{ topic: inputTopic, partitions: PARTITIONS }]).finally(() => admin.disconnect());
  const producer = await writer.producer();
  let writeSeconds: number;
  try {
    const store = await PartitionedChangelogStore.open<unknown>(writer, producer, { topic, inputTopic });
    const state = new FlowState('steps[0].bench-timer', 'bench-timers', { clock: systemClock, idleTimeoutMs: 60_000 });
    state.attach(store);
    await store.assign(partitions);
    const started = performance.now();
    for (const partition of partitions) {
      const first = Math.floor((partition * timers) / PARTITIONS);
      const last = Math.floor(((partition + 1) * timers) / PARTITIONS);
      for (let from = first; from < last; from += WRITE_BATCH)
        await state.exclusive(partition, undefined, async (journal) => {
          for (let index = from; index < Math.min(last, from + WRITE_BATCH); index++)
            state.view.schedule(ticketNumber(index), dueBase + dueRank(index, timers), { id: ticketNumber(index) });
          await state.flush(journal);
        });
    }
    writeSeconds = (performance.now() - started) / 1000;
    if (state.size().timers !== timers) throw new BenchError('BENCH_WRONG_STATE', `${state.size().timers} timers written of ${timers}`);
  } finally {
    await producer.disconnect();
  }
  context.log(`wrote ${timers} timers to ${topic} in ${writeSeconds.toFixed(1)} s`);

  // "After a kill": nothing of the writer is used again; a new client reads the changelog back.
  const reader = new KafkajsClient({ brokers: context.brokers, clientId: 'crm-hub-bench-restore' });
  collectGarbage();
  const started = performance.now();
  let readRecords = 0;
  let readBytes = 0;
  await reader.readPartitionsToEnd(topic, partitions, (records) => {
    readRecords += records.length;
    for (const record of records) readBytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
  });
  const readSeconds = (performance.now() - started) / 1000;

  // "After a kill": a process of its own, cold, that never saw the writer, reads the changelog back.
  const { helper } = await HelperProcess.start<StateRestoreCommand>(
    'the restoring process',
    RESTORE_ENTRY,
    { [STATE_RESTORE_ENV]: JSON.stringify({ brokers: context.brokers, topic, inputTopic } satisfies StateRestoreSettings) },
    60_000,
  );
  try {
    const restored = await helper.request<StateRestoreResult>({ partitions }, 15 * 60_000);
    if (restored.timers !== timers) throw new BenchError('BENCH_WRONG_STATE', `${restored.timers} timers restored of ${timers}`);
    context.log(
      `restored ${restored.timers} timers in ${restored.seconds.toFixed(2)} s in a new process (reading alone ${readSeconds.toFixed(2)} s); its heap ${restored.heapBeforeMiB} → ${restored.heapRestoredMiB} MiB, RSS ${restored.rssBeforeMiB} → ${restored.rssRestoredMiB} MiB`,
    );
    return { writeSeconds, writePerSecond: timers / writeSeconds, readSeconds, readRecords, readBytes, restored };
  } finally {
    await helper.stop();
  }
}
