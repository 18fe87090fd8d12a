import { expect } from 'chai';
import fc from 'fast-check';
import { PartitionedChangelogStore } from '../../../../src/platform/state/partitioned-changelog-store.js';
import { TimerStore } from '../../../../src/platform/state/timer-store.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';
import { ManualClock } from '../../../support/manual-clock.js';

const INPUT = 'claims.claim.v1';
const CHANGELOG = 'crm-hub.changelog.claim-assessment-overdue';
const HOUR = 3_600_000;

/** A hub process's timers (and the store under them) on the shared (in-memory) broker, holding `partitions`. */
async function openProcess(
  kafka: InMemoryKafka,
  partitions: number[],
  clock = new ManualClock(),
): Promise<{ timers: TimerStore<{ claim: string }>; store: PartitionedChangelogStore<unknown> }> {
  const store = await PartitionedChangelogStore.open<unknown>(kafka, await kafka.producer(), { topic: CHANGELOG, inputTopic: INPUT });
  const timers = new TimerStore<{ claim: string }>(store, 'timer/', clock);
  await store.assign(partitions);
  return { timers, store };
}

async function openTimers(kafka: InMemoryKafka, partitions: number[], clock = new ManualClock()): Promise<TimerStore<{ claim: string }>> {
  return (await openProcess(kafka, partitions, clock)).timers;
}

describe('TimerStore', () => {
  let kafka: InMemoryKafka;

  beforeEach(async () => {
    kafka = new InMemoryKafka();
    const admin = await kafka.admin();
    await admin.ensureTopics([{ topic: INPUT, partitions: 2 }]);
  });

  it('gives the timers due at a watermark earliest first, ties by id, and keeps them until fired', async () => {
    const timers = await openTimers(kafka, [0, 1]);
    await timers.schedule(0, 'C3', 3 * HOUR, { claim: 'C3' });
    await timers.schedule(0, 'C2', 1 * HOUR, { claim: 'C2' });
    await timers.schedule(0, 'C1', 1 * HOUR, { claim: 'C1' });
    await timers.schedule(1, 'C4', 0, { claim: 'C4' });

    expect(timers.due(0, HOUR - 1)).to.deep.equal([]);
    const due = timers.due(0, 2 * HOUR);
    expect(due).to.deep.equal([
      { partition: 0, id: 'C1', dueAt: HOUR, payload: { claim: 'C1' } },
      { partition: 0, id: 'C2', dueAt: HOUR, payload: { claim: 'C2' } },
    ]);
    expect(timers.due(0, 2 * HOUR).map((timer) => timer.id)).to.deep.equal(['C1', 'C2']);
    await timers.fired(due);
    expect(timers.due(0, 2 * HOUR)).to.deep.equal([]);
    expect(timers.due(0, 3 * HOUR).map((timer) => timer.id)).to.deep.equal(['C3']);
  });

  it('fires on the clock when no watermark is given', async () => {
    const clock = new ManualClock();
    const timers = await openTimers(kafka, [0], clock);
    await timers.schedule(0, 'C1', clock.now() + 3 * 24 * HOUR, { claim: 'C1' });

    await clock.advance(3 * 24 * HOUR - 1);
    expect(timers.due(0)).to.deep.equal([]);
    await clock.advance(1);
    expect(timers.due(0).map((timer) => timer.id)).to.deep.equal(['C1']);
  });

  it('fires a timer once across a restart: a fired one is tombstoned, a pending one is read back', async () => {
    const before = await openTimers(kafka, [0, 1]);
    await before.schedule(0, 'C1', HOUR, { claim: 'C1' });
    await before.schedule(1, 'C2', 2 * HOUR, { claim: 'C2' });
    await before.fired(before.due(0, HOUR));

    const after = await openTimers(kafka, [0, 1]);

    expect(after.due(0, 10 * HOUR)).to.deep.equal([]);
    expect(after.due(1, 10 * HOUR)).to.deep.equal([{ partition: 1, id: 'C2', dueAt: 2 * HOUR, payload: { claim: 'C2' } }]);
    expect(after.size).to.equal(1);
    const tombstones = kafka.topics
      .get(CHANGELOG)![0]!
      .filter((record) => record.value === null)
      .map((record) => record.key!.toString());
    expect(tombstones).to.deep.equal(['timer/C1']);
  });

  it('cancels a timer for good, and a rescheduled one fires once, at its new time', async () => {
    const timers = await openTimers(kafka, [0, 1]);
    await timers.schedule(1, 'C1', HOUR, { claim: 'C1' });
    await timers.schedule(0, 'C2', HOUR, { claim: 'C2' });
    await timers.schedule(0, 'C2', 5 * HOUR, { claim: 'C2 again' });

    expect(await timers.cancel('C1')).to.equal(true);
    expect(await timers.cancel('C1')).to.equal(false);
    expect(timers.due(1, 10 * HOUR)).to.deep.equal([]);
    expect(timers.due(0, 4 * HOUR)).to.deep.equal([]);
    expect(timers.due(0, 5 * HOUR)).to.deep.equal([{ partition: 0, id: 'C2', dueAt: 5 * HOUR, payload: { claim: 'C2 again' } }]);

    const restarted = await openTimers(kafka, [0, 1]);
    expect(restarted.due(1, 10 * HOUR)).to.deep.equal([]);
    expect(restarted.due(0, 10 * HOUR).map((timer) => timer.payload.claim)).to.deep.equal(['C2 again']);
  });

  it('cancels a timer of a partition still being read back once it is read', async () => {
    const writer = await openTimers(kafka, [1]);
    await writer.schedule(1, 'C1', HOUR, { claim: 'C1' });
    const { timers, store } = await openProcess(kafka, []);
    let release!: () => void;
    const readPartitions = kafka.readPartitionsToEnd.bind(kafka);
    kafka.readPartitionsToEnd = async (topic, partitions) => {
      const records = await readPartitions(topic, partitions);
      await new Promise<void>((resolve) => (release = resolve));
      return records;
    };
    const assigned = store.assign([1]);
    const cancelled = timers.cancel('C1');
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await assigned;

    expect(await cancelled).to.equal(true);
    expect(timers.due(1, 10 * HOUR)).to.deep.equal([]);
  });

  it('moves timers with their partition in a rebalance', async () => {
    const { timers: a, store: storeOfA } = await openProcess(kafka, [0, 1]);
    await a.schedule(0, 'C1', HOUR, { claim: 'C1' });
    await a.schedule(1, 'C2', HOUR, { claim: 'C2' });
    const { timers: b, store: storeOfB } = await openProcess(kafka, []);

    await storeOfA.assign([0]);
    await storeOfB.assign([1]);

    expect(a.due(1, 10 * HOUR)).to.deep.equal([]);
    expect(a.due(0, 10 * HOUR).map((timer) => timer.id)).to.deep.equal(['C1']);
    expect(b.due(1, 10 * HOUR).map((timer) => timer.id)).to.deep.equal(['C2']);
  });

  it('gives due timers in (due time, id) order whatever the order they were scheduled, moved and cancelled in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), dueAt: fc.integer({ min: 0, max: 20 }), cancel: fc.boolean() }),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 20 }),
        async (operations, now) => {
          const memory = new InMemoryKafka();
          await (await memory.admin()).ensureTopics([{ topic: INPUT, partitions: 1 }]);
          const timers = await openTimers(memory, [0]);
          const expected = new Map<string, number>();
          for (const { id, dueAt, cancel } of operations) {
            if (cancel) {
              await timers.cancel(id);
              expected.delete(id);
            } else {
              await timers.schedule(0, id, dueAt, { claim: id });
              expected.set(id, dueAt);
            }
          }
          const want = [...expected]
            .filter(([, dueAt]) => dueAt <= now)
            .sort(([idA, a], [idB, b]) => a - b || (idA < idB ? -1 : 1))
            .map(([id]) => id);
          expect(timers.due(0, now).map((timer) => timer.id)).to.deep.equal(want);
          const restarted = await openTimers(memory, [0]);
          expect(restarted.due(0, now).map((timer) => timer.id)).to.deep.equal(want);
        },
      ),
      { numRuns: 100 },
    );
  });
});
