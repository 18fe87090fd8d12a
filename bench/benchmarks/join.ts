import { ManualClock } from '../../src/core/manual-clock.js';
import type { FlowMessage } from '../../src/flows/flow-message.js';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark } from '../runner/benchmark.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { compileBenchFlow, InProcessStages } from '../support/in-process-stages.js';
import { collectGarbage, mebibytes, RssSampler } from '../support/rss-sampler.js';
import { partsReservation, serviceEvent } from '../support/service-event.js';
import {
  RESERVATIONS,
  SERVICE_EVENTS,
  serviceMessage,
  STATEFUL_BENCH_TOPICS,
  STATEFUL_OUTPUT,
  timePlainFlow,
} from '../support/stateful-bench-flows.js';

const PARTITIONS = 3;
const GROUPS = 10_000;
const CHUNK = 10_000;
/** The tickets' event times cover half an hour; each ticket's reservation comes 20 minutes after it, within the join's 1 h. */
const TICKETS_SPAN_MS = 30 * 60_000;
const RESERVATION_AFTER_MS = 20 * 60_000;

export function joinSizes(quick: boolean): { perSide: number } {
  return { perSide: quick ? 50_000 : 500_000 };
}

export function joinFlow(name: string): string {
  return `name: ${name}
from: ${SERVICE_EVENTS}
steps:
  - join:
      with: ${RESERVATIONS}
      on: { this: ticketNumber, other: reference }
      within: 1h
      as: reservation
      eventTime: occurredAt
      onTimeout: { to: { topic: ${STATEFUL_OUTPUT} } }
to: { topic: ${STATEFUL_OUTPUT} }
`;
}

/**
 * 500k service tickets, then the 500k parts reservations naming them (each 20 min after its ticket,
 * within the join's 1 h), through a flow's join stage in process: msg/s against a plain flow over as
 * many records, heap and RSS with the 500k tickets waiting.
 */
export const joinBenchmark: Benchmark = {
  name: 'join',
  description:
    '500k + 500k records joined within 1 h through the join step in process (stages, repartition hop, FlowState over InMemoryPartitionedState): msg/s against a plain filter+map flow over as many records, memory with 500k records waiting.',
  async run(context) {
    const { perSide } = joinSizes(context.quick);
    const schemas = await benchSchemaCatalog(context.workDir, STATEFUL_BENCH_TOPICS);
    const clock = new ManualClock(Date.now());
    const start = clock.now() - 3 * 3_600_000;
    const ticketAt = (index: number) => start + Math.floor((index * TICKETS_SPAN_MS) / perSide);
    const ticket = (index: number): FlowMessage => serviceMessage(serviceEvent(index, GROUPS, ticketAt(index)));
    const reservation = (index: number): FlowMessage =>
      serviceMessage(partsReservation(index, ticketAt(index) + RESERVATION_AFTER_MS), RESERVATIONS);

    collectGarbage();
    const plainMs = await timePlainFlow(schemas, 2 * perSide, (index) =>
      serviceMessage(serviceEvent(index, GROUPS, ticketAt(index % perSide))),
    );
    context.log(`plain flow: ${2 * perSide} messages in ${(plainMs / 1000).toFixed(2)} s`);

    const flow = compileBenchFlow(joinFlow('bench-join'), schemas, { clock });
    let joined = 0;
    let unmatched = 0;
    const stages = new InProcessStages(flow, PARTITIONS, (output) => {
      if (output.message.final) unmatched++;
      else if (output.message.value.reservation !== undefined) joined++;
    });
    const push = async (make: (index: number) => FlowMessage): Promise<number> => {
      let ms = 0;
      for (let from = 0; from < perSide; from += CHUNK) {
        const messages: FlowMessage[] = [];
        for (let index = from; index < Math.min(perSide, from + CHUNK); index++) messages.push(make(index));
        const started = performance.now();
        await stages.push(messages);
        ms += performance.now() - started;
        rss.sample();
      }
      return ms;
    };

    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage.rss();
    const rss = new RssSampler().start();
    const ticketsMs = await push(ticket);
    collectGarbage();
    const heapWaiting = process.memoryUsage().heapUsed;
    const rssWaiting = process.memoryUsage.rss();
    const waiting = stages.state.size();
    if (joined !== 0 || unmatched !== 0)
      throw new BenchError('BENCH_WRONG_OUTPUT', `${joined} joined and ${unmatched} unmatched before any reservation came`);
    context.log(
      `${perSide} tickets waiting after ${(ticketsMs / 1000).toFixed(2)} s: ${mebibytes(heapWaiting)} MiB heap, ${mebibytes(rssWaiting)} MiB RSS`,
    );
    const reservationsMs = await push(reservation);
    const peakRss = rss.stop();
    if (joined !== perSide || unmatched !== 0)
      throw new BenchError('BENCH_WRONG_OUTPUT', `${joined} of ${perSide} tickets joined, ${unmatched} sent on as unmatched`);
    // Not timed: the stream goes quiet and every waiting record's bound passes; none may come out unmatched.
    clock.advance(3 * 3_600_000);
    await stages.fireDue();
    if (unmatched !== 0 || stages.state.size().timers !== 0)
      throw new BenchError(
        'BENCH_WRONG_OUTPUT',
        `${unmatched} matched tickets came out as unmatched; ${stages.state.size().timers} timers left`,
      );
    await flow.close();

    const ms = ticketsMs + reservationsMs;
    const perSecond = (2 * perSide) / (ms / 1000);
    const plainPerSecond = (2 * perSide) / (plainMs / 1000);
    context.log(`joined ${joined} pairs in ${(ms / 1000).toFixed(2)} s; peak RSS ${peakRss} MiB`);
    const count = perSide.toLocaleString('en-US');
    return {
      figures: [
        {
          name: `join (${count} + ${count} records within 1h)`,
          value: perSecond,
          unit: 'msg/s',
          measured: `${count} service tickets (event times over 30 min), then the ${count} parts reservations naming them (each 20 min after its ticket), through join (on ticketNumber = reference, within 1h, onTimeout to a topic) in process over InMemoryPartitionedState (${PARTITIONS} partitions): the first stage, the JSON round trip of the repartition hop, the join stage in batches of 2,000 per partition inside state.exclusive with one flush each. Checked: every ticket joined once, none unmatched, nothing left once the bound passed. Baseline: ${(2 * perSide).toLocaleString('en-US')} service events through a flow of a filter and a map only, in the same process just before`,
          baseline: { name: 'plain flow (filter + map), in process', value: plainPerSecond, unit: 'msg/s' },
        },
        {
          name: `heap with ${count} records waiting`,
          value: mebibytes(heapWaiting),
          unit: 'MiB',
          measured: `V8 heap used after garbage collection once every ticket waited for its reservation (${waiting.keys.toLocaleString('en-US')} state keys, ${waiting.timers.toLocaleString('en-US')} timers; FlowState counts ${waiting.bytes.toLocaleString('en-US')} bytes as JSON, ${Math.round(waiting.bytes / perSide)} per waiting record). Baseline: heap used after garbage collection just before`,
          baseline: { name: 'before the join', value: mebibytes(heapBefore), unit: 'MiB' },
        },
        {
          name: 'join peak RSS',
          value: peakRss,
          unit: 'MiB',
          measured: `highest RSS sampled (every 100 ms and after each chunk of ${CHUNK.toLocaleString('en-US')}) from the first ticket to the last reservation, the tickets waiting all along (the reservations wait too, until their bound passes); Node, tsx and the compiled flow included. Baseline: RSS after garbage collection just before`,
          baseline: { name: 'before the join', value: mebibytes(rssBefore), unit: 'MiB' },
        },
      ],
      notes: [
        'in process (no broker, no Avro): both flows run as compiled, the stateful one through its two stages with the repartition hop as JSON text; the plain baseline reads service events only (the join reads as many, half of them reservations)',
      ],
      details: {
        perSide,
        partitions: PARTITIONS,
        ticketsSeconds: ticketsMs / 1000,
        reservationsSeconds: reservationsMs / 1000,
        plainSeconds: plainMs / 1000,
        waitingState: waiting,
        heapBeforeMiB: mebibytes(heapBefore),
        heapWaitingMiB: mebibytes(heapWaiting),
        rssBeforeMiB: mebibytes(rssBefore),
        rssWaitingMiB: mebibytes(rssWaiting),
        peakRssMiB: peakRss,
      },
    };
  },
};
