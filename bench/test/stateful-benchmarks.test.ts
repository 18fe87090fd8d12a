import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/core/manual-clock.js';
import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { aggregateEventTime, aggregateFlow, expectedWindows } from '../benchmarks/aggregate.js';
import { joinFlow } from '../benchmarks/join.js';
import { dueRank, timersFlow } from '../benchmarks/timers.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { benchTimerStep } from '../support/bench-timer-step.js';
import { compileBenchFlow, InProcessStages, liveChangelogBytes, partitionOfKey } from '../support/in-process-stages.js';
import { InMemoryPartitionedState } from '../../src/platform/state/partitioned-state.js';
import { partsReservation, serviceEvent } from '../support/service-event.js';
import { RESERVATIONS, serviceMessage, STATEFUL_BENCH_TOPICS, timePlainFlow } from '../support/stateful-bench-flows.js';

/** The stateful benchmarks' harness: their figures are only worth something if the stages really keep and fire what they are given. */
describe('stateful benchmarks in process', () => {
  let dir: string;
  let schemas: SchemaCatalog;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-bench-test-'));
    schemas = await benchSchemaCatalog(dir, STATEFUL_BENCH_TOPICS);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('spreads due times as a permutation: every rank once', () => {
    for (const count of [7, 1_000, 100_000]) {
      const seen = new Uint8Array(count);
      for (let index = 0; index < count; index++) seen[dueRank(index, count)]!++;
      expect(seen.every((times) => times === 1)).to.equal(true);
    }
  });

  it('counts the live changelog bytes of held partitions only: key and JSON of value and expiry, tombstoned keys gone', async () => {
    const store = new InMemoryPartitionedState<unknown>(2);
    store.assign([0]);
    await store.writeAll([
      { partition: 0, key: 'k/a', value: 1, expiresAt: 5 },
      { partition: 0, key: 'k/gone', value: 'x' },
      { partition: 0, key: 'k/gone', value: null },
      { partition: 0, key: 't/é', value: { dueAt: 7 } },
      { partition: 1, key: 'k/elsewhere', value: 2 },
    ]);
    expect(liveChangelogBytes(store)).to.equal('k/a'.length + '{"value":1,"expiresAt":5}'.length + 4 + '{"value":{"dueAt":7}}'.length);
  });

  it('spreads keys over every partition', () => {
    const counts = [0, 0, 0];
    for (let index = 0; index < 3_000; index++) counts[partitionOfKey(`T${index}`, 3)]!++;
    expect(Math.min(...counts)).to.be.greaterThan(800);
  });

  it('runs the plain baseline flow, one output per message', async () => {
    const ms = await timePlainFlow(schemas, 50, (index) => serviceMessage(serviceEvent(index, 10, Date.parse('2026-01-01T00:00:00Z'))));
    expect(ms).to.be.at.least(0);
  });

  it('keeps a timer per message pending, then fires each once, never before its due time, when the idle watermark reaches it', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T01:00:00Z'));
    const start = clock.now() - 3_600_000;
    const fired: { dueAt: number; watermark: number }[] = [];
    const flow = compileBenchFlow(timersFlow('bench-timers-test'), schemas, {
      clock,
      extraSteps: [
        benchTimerStep({
          dueAt: (_message, at) => at + 10_000,
          fired: (dueAt, watermark) => fired.push({ dueAt, watermark }),
        }),
      ],
    });
    const stages = new InProcessStages(flow, 3);
    await stages.push(Array.from({ length: 30 }, (_, index) => serviceMessage(serviceEvent(index, 10, start + index * 1_000))));
    expect(stages.store.assigned).to.deep.equal([0, 1, 2]);
    // Timers scheduled in a batch reach the due-time queue with its flush; the next look fires those the records' event time passed.
    expect(stages.state.size().timers).to.equal(30);
    await stages.fireDue();
    expect(fired.length).to.be.within(1, 29);
    expect(stages.state.size().timers).to.equal(30 - fired.length);
    // The flow's idleTimeout is 1 s: then each partition's watermark moves on with the clock, past every due time.
    clock.advance(11_000);
    await stages.fireDue();
    expect(fired).to.have.length(30);
    expect(stages.outputs).to.equal(30);
    expect(stages.state.size().timers).to.equal(0);
    for (const { dueAt, watermark } of fired) expect(watermark).to.be.at.least(dueAt);
    await flow.close();
  });

  it('aggregates into one record per group and window, each window counting its records, the last closed on idleness', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T12:00:00Z'));
    const start = Date.parse('2026-01-01T11:00:00Z');
    const windows: Record<string, unknown>[] = [];
    const flow = compileBenchFlow(aggregateFlow('bench-aggregate-test'), schemas, { clock });
    const stages = new InProcessStages(flow, 3, (output) => windows.push(output.message.value));
    const records = 200;
    await stages.push(
      Array.from({ length: records }, (_, index) => serviceMessage(serviceEvent(index, 10, aggregateEventTime(start, index, records)))),
    );
    expect(windows.length).to.be.lessThan(100);
    clock.advance(3_600_000);
    await stages.fireDue();
    expect(expectedWindows(records, 10)).to.equal(100);
    expect(windows).to.have.length(100);
    expect(windows.every((window) => window.tickets === 2)).to.equal(true);
    expect(new Set(windows.map((window) => `${String(window.dealerCode)} ${String(window.windowStart)}`)).size).to.equal(100);
    expect(stages.state.size().timers).to.equal(0);
    await flow.close();
  });

  it('joins every ticket with its reservation once; a ticket whose reservation never came goes on unmatched once its bound passed', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T12:00:00Z'));
    const start = Date.parse('2026-01-01T09:00:00Z');
    let joined = 0;
    const unmatched: string[] = [];
    const flow = compileBenchFlow(joinFlow('bench-join-test'), schemas, { clock });
    const stages = new InProcessStages(flow, 3, (output) => {
      if (output.message.final) unmatched.push(String(output.message.value.ticketNumber));
      else if (output.message.value.reservation) joined++;
    });
    await stages.push(Array.from({ length: 100 }, (_, index) => serviceMessage(serviceEvent(index, 10, start + index * 1_000))));
    expect(stages.state.size().timers).to.equal(100);
    // Reservations for the even tickets only, 20 minutes after each.
    await stages.push(
      Array.from({ length: 50 }, (_, half) =>
        serviceMessage(partsReservation(2 * half, start + 2 * half * 1_000 + 1_200_000), RESERVATIONS),
      ),
    );
    expect(joined).to.equal(50);
    expect(unmatched).to.deep.equal([]);
    clock.advance(4 * 3_600_000);
    await stages.fireDue();
    expect(joined).to.equal(50);
    expect(unmatched).to.have.length(50);
    expect(unmatched.every((ticket) => Number(ticket.slice(1)) % 2 === 1)).to.equal(true);
    expect(stages.state.size().timers).to.equal(0);
    await flow.close();
  });
});
