import { expect } from 'chai';
import fc from 'fast-check';
import { PartitionWatermarks } from '../../../../src/flows/time/partition-watermarks.js';
import { isWindowClosed } from '../../../../src/flows/time/window-lateness.js';
import { ManualClock } from '../../../support/manual-clock.js';

const IDLE = 60_000;

function watermarks(): { clock: ManualClock; tracker: PartitionWatermarks } {
  const clock = new ManualClock();
  return { clock, tracker: new PartitionWatermarks({ clock, idleTimeoutMs: IDLE }) };
}

describe('partition watermarks', () => {
  it('is the latest event time of a partition, and the lowest over the partitions for the flow', () => {
    const { tracker } = watermarks();
    expect(tracker.current()).to.equal(undefined);
    tracker.observe(0, 1000);
    tracker.observe(0, 900);
    tracker.observe(1, 500);
    expect(tracker.partitionWatermark(0)).to.equal(1000);
    expect(tracker.partitionWatermark(1)).to.equal(500);
    expect(tracker.current()).to.equal(500);
    tracker.observe(1, 2000);
    expect(tracker.current()).to.equal(1000);
  });

  it('waits for an assigned partition with no record yet until it has been idle, then leaves it out', async () => {
    const { clock, tracker } = watermarks();
    tracker.assign(1);
    tracker.observe(0, 1000);
    expect(tracker.current()).to.equal(undefined);
    await clock.advance(IDLE - 1);
    tracker.observe(0, 2000);
    expect(tracker.current()).to.equal(undefined);
    await clock.advance(1);
    expect(tracker.current()).to.equal(2000);
  });

  it('leaves an idle partition out while others have records', async () => {
    const { clock, tracker } = watermarks();
    tracker.observe(0, 1000);
    tracker.observe(1, 5000);
    expect(tracker.current()).to.equal(1000);
    await clock.advance(IDLE / 2);
    tracker.observe(1, 9000);
    await clock.advance(IDLE / 2);
    tracker.observe(1, 9500);
    // Partition 0 is idle: its watermark moved on with the clock (1000 + 60 s), partition 1 is the lowest that is not idle.
    expect(tracker.partitionWatermark(0)).to.equal(1000 + IDLE);
    expect(tracker.current()).to.equal(9500);
  });

  it('moves a quiet stream on with the wall clock from its last record, so its windows close', async () => {
    const { clock, tracker } = watermarks();
    const day = { start: 0, end: 86_400_000 };
    tracker.observe(0, day.end - 10 * 60_000);
    await clock.advance(IDLE - 1);
    expect(tracker.current()).to.equal(day.end - 10 * 60_000);
    await clock.advance(1);
    expect(tracker.current()).to.equal(day.end - 9 * 60_000);
    expect(isWindowClosed(day, tracker.current(), 0)).to.equal(false);
    await clock.advance(9 * 60_000);
    expect(isWindowClosed(day, tracker.current(), 0)).to.equal(true);
  });

  it('moves a replay of old events that pauses on only by the pause, not to today', async () => {
    const { clock, tracker } = watermarks();
    await clock.advance(Date.parse('2026-12-07T18:00:00Z'));
    const old = Date.parse('2024-01-01T00:00:00Z');
    tracker.observe(0, old);
    await clock.advance(2 * IDLE);
    expect(tracker.current()).to.equal(old + 2 * IDLE);
  });

  it('never goes back when a slow partition wakes up: its old records are judged against the watermark reached', async () => {
    const { clock, tracker } = watermarks();
    tracker.observe(0, 1000);
    tracker.observe(1, 8000);
    await clock.advance(IDLE);
    tracker.observe(1, 9000);
    expect(tracker.current()).to.equal(9000);
    tracker.observe(0, 1500);
    expect(tracker.partitionWatermark(0)).to.equal(1000 + IDLE);
    expect(tracker.current()).to.equal(9000);
  });

  it('starts a partition from the watermark restored with its state, and keeps the flow watermark when one is released', () => {
    const { tracker } = watermarks();
    tracker.assign(0, 7000);
    tracker.observe(1, 9000);
    expect(tracker.current()).to.equal(7000);
    tracker.release(0);
    expect(tracker.partitionWatermark(0)).to.equal(undefined);
    expect(tracker.current()).to.equal(9000);
    tracker.assign(0, 100);
    expect(tracker.current()).to.equal(9000);
  });

  it('never goes back, whatever records, idleness, assignments and releases come in', async () => {
    type Step = { observe: [number, number] } | { advance: number } | { assign: number } | { release: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ observe: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1e6 })) }),
      fc.record({ advance: fc.integer({ min: 0, max: 2 * IDLE }) }),
      fc.record({ assign: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ release: fc.integer({ min: 0, max: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const { clock, tracker } = watermarks();
        let flow: number | undefined;
        const partitions = new Map<number, number | undefined>();
        for (const s of steps) {
          if ('observe' in s) tracker.observe(...s.observe);
          else if ('advance' in s) await clock.advance(s.advance);
          else if ('assign' in s) tracker.assign(s.assign);
          else {
            tracker.release(s.release);
            partitions.delete(s.release);
          }
          const now = tracker.current();
          expect(now === undefined ? flow === undefined : flow === undefined || now >= flow, `flow ${flow} → ${now}`).to.equal(true);
          flow = now;
          for (const partition of [0, 1, 2, 3]) {
            const watermark = tracker.partitionWatermark(partition);
            const before = partitions.get(partition);
            if (before !== undefined) expect(watermark, `partition ${partition}`).to.be.at.least(before);
            if (watermark !== undefined) partitions.set(partition, watermark);
          }
        }
      }),
      { seed: 20261207 },
    );
  });

  it('closes a window once every partition with records has read up to its end + grace, not before, and keeps it closed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1e6 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 1e5 }),
        (records, end, grace) => {
          // The clock stands still: no partition turns idle, so only event time can close the window.
          const { tracker } = watermarks();
          const latest = new Map<number, number>();
          let reached = false;
          for (const [partition, eventTime] of records) {
            tracker.observe(partition, eventTime);
            latest.set(partition, Math.max(latest.get(partition) ?? eventTime, eventTime));
            // A partition showing up later does not reopen the window: its older records are late.
            reached ||= [...latest.values()].every((time) => time >= end + grace);
            if (isWindowClosed({ start: 0, end }, tracker.current(), grace) !== reached) return false;
          }
          return true;
        },
      ),
      { seed: 20261207 },
    );
  });

  it('tells when, with no more records, the watermark will reach an event time, so a runner can sleep until then', async () => {
    const { clock, tracker } = watermarks();
    expect(tracker.wallTimeReaching(0)).to.equal(undefined);
    tracker.assign(1);
    expect(tracker.wallTimeReaching(0)).to.equal(undefined);
    tracker.observe(0, 1000);
    // Partition 1 has had no record: nothing moves before it turns idle at 60 s.
    expect(tracker.wallTimeReaching(1000)).to.equal(IDLE);
    await clock.advance(IDLE);
    expect(tracker.wallTimeReaching(1000)).to.equal(IDLE);
    // Idle since 60 s, partition 0 moves on from 1000 with the clock: 1000 + 60 s at 60 s, 1000 + 90 s at 90 s.
    expect(tracker.wallTimeReaching(1000 + IDLE)).to.equal(IDLE);
    expect(tracker.wallTimeReaching(1000 + 90_000)).to.equal(90_000);
  });

  it('gives the earliest wall-clock time the watermark reaches an event time, not a moment later', async () => {
    type Step = { observe: [number, number] } | { advance: number } | { assign: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ observe: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1e6 })) }),
      fc.record({ advance: fc.integer({ min: 0, max: 2 * IDLE }) }),
      fc.record({ assign: fc.integer({ min: 0, max: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 20 }), fc.integer({ min: 0, max: 2e6 }), async (steps, target) => {
        const { clock, tracker } = watermarks();
        let anyRecord = false;
        for (const s of steps) {
          if ('observe' in s) tracker.observe(...s.observe);
          else if ('advance' in s) await clock.advance(s.advance);
          else tracker.assign(s.assign);
          anyRecord ||= 'observe' in s;
        }
        const at = tracker.wallTimeReaching(target);
        expect(at === undefined, 'undefined exactly when no record was read').to.equal(!anyRecord);
        if (at === undefined) return;
        if (at > clock.now()) {
          await clock.advance(at - 1 - clock.now());
          expect(tracker.current() ?? -Infinity, 'a moment before').to.be.below(target);
          await clock.advance(1);
        }
        expect(tracker.current(), 'then').to.be.at.least(target);
      }),
      { seed: 20261207 },
    );
  });
});
