import { expect } from 'chai';
import { ManualClock } from '../../../../src/core/manual-clock.js';
import { FlowState } from '../../../../src/flows/state/flow-state.js';
import { MAX_STATE_VALUE_BYTES } from '../../../../src/flows/state/flow-state-journal.js';
import { InMemoryPartitionedState, type PartitionedChange } from '../../../../src/platform/state/partitioned-state.js';

const TOPIC = 'in';

/** A store that records each write request, as the changelog would receive them. */
class CountingStore extends InMemoryPartitionedState<unknown> {
  readonly writes: PartitionedChange<unknown>[][] = [];
  override async writeAll(changes: readonly PartitionedChange<unknown>[]): Promise<void> {
    this.writes.push([...changes]);
    await super.writeAll(changes);
  }
}

describe('FlowState', () => {
  let clock: ManualClock;
  let store: CountingStore;
  let state: FlowState;

  beforeEach(() => {
    clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
    store = new CountingStore(2);
    store.assign([0, 1]);
    state = new FlowState('steps[1].test', 'test', { clock, idleTimeoutMs: 60_000 });
    state.attach(store);
  });

  /** One batch of `partition`: `work` with the journal, then the flush as the runner does after the outputs. */
  function batch<T>(partition: number, work: () => T, topic: string | undefined = TOPIC): Promise<T> {
    return state.exclusive(partition, topic, async (journal) => {
      const result = work();
      await state.flush(journal);
      return result;
    });
  }

  it('shows pending writes to the batch, writes them once per key in one request after it, and rolls back a failed message', async () => {
    await state.exclusive(0, TOPIC, async (journal) => {
      state.view.put('a', 1);
      const mark = journal.mark();
      state.view.put('a', 2);
      state.view.put('b', 'kept?');
      expect(state.view.get('a')).to.equal(2);
      journal.rollback(mark); // the message that wrote them failed
      expect(state.view.get('a')).to.equal(1);
      expect(state.view.get('b')).to.equal(undefined);
      state.view.put('c', 1);
      state.view.put('c', 2);
      state.view.put('c', 3);
      expect(store.get(0, 'k/a')).to.equal(undefined); // nothing before the flush
      await state.flush(journal);
    });
    expect(store.writes).to.have.length(1);
    expect(store.writes[0]!.map((change) => `${change.key}=${JSON.stringify(change.value)}`)).to.deep.equal(['k/a=1', 'k/c=3']);
    expect(store.get(1, 'k/a')).to.equal(undefined); // partitions apart
    expect(state.size()).to.include({ keys: 2, timers: 0, partitions: 2 });
  });

  it('fires a timer once its partition watermark reaches it, tombstoned with the batch, and never again', async () => {
    await batch(0, () => {
      state.view.observe(Date.parse('2026-03-01T00:00:00Z'));
      state.view.schedule('close', Date.parse('2026-03-01T01:00:00Z'), { window: 'w1' });
    });
    expect(await batch(0, () => state.takeDue())).to.deep.equal([]);
    // Another partition's events do not move this one's watermark.
    await batch(1, () => state.view.observe(Date.parse('2026-03-01T05:00:00Z')));
    expect(await batch(0, () => state.takeDue())).to.deep.equal([]);
    const fired = await batch(0, () => {
      state.view.observe(Date.parse('2026-03-01T01:00:00Z'));
      return state.takeDue();
    });
    expect(fired).to.deep.equal([
      { id: 'close', dueAt: Date.parse('2026-03-01T01:00:00Z'), payload: { window: 'w1' }, watermark: Date.parse('2026-03-01T01:00:00Z') },
    ]);
    expect(store.get(0, 't/close')).to.equal(undefined);
    await batch(0, () => state.view.observe(Date.parse('2026-03-01T09:00:00Z')));
    expect(await batch(0, () => state.takeDue())).to.deep.equal([]);
  });

  it('skips a timer cancelled or moved since it was queued, and fires the moved one at its new time', async () => {
    const at = (hour: number) => Date.parse(`2026-03-01T0${hour}:00:00Z`);
    await batch(0, () => {
      state.view.observe(at(0));
      state.view.schedule('gone', at(1));
      state.view.schedule('moved', at(1));
    });
    await batch(0, () => {
      state.view.cancel('gone');
      state.view.schedule('moved', at(3));
    });
    expect(await batch(0, () => (state.view.observe(at(2)), state.takeDue()))).to.deep.equal([]);
    expect((await batch(0, () => (state.view.observe(at(3)), state.takeDue()))).map((timer) => timer.id)).to.deep.equal(['moved']);
  });

  it('tombstones an expiring key once the watermark passes its expiry, on a quiet partition by the wall clock', async () => {
    await batch(0, () => {
      state.view.observe(Date.parse('2026-03-01T00:00:00Z'));
      state.view.put('seen', 1, Date.parse('2026-03-01T00:10:00Z'));
    });
    expect(await batch(0, () => state.takeDue())).to.deep.equal([]);
    expect(store.get(0, 'k/seen')).to.equal(1);
    // No record for longer than the idle timeout: the watermark moves on with the clock.
    await clock.advance(11 * 60_000);
    await batch(0, () => state.takeDue(), undefined);
    expect(store.get(0, 'k/seen')).to.equal(undefined);
    expect(store.writes.at(-1)!.map((change) => change.key)).to.include('k/seen');
  });

  it('gives a restarted process the same keys, timers and watermarks: what closed stays closed', async () => {
    await batch(0, () => {
      state.view.observe(Date.parse('2026-03-01T02:00:00Z'));
      state.view.put('open', { count: 3 });
      state.view.schedule('later', Date.parse('2026-03-01T03:00:00Z'), 'p');
    });
    const again = new FlowState('steps[1].test', 'test', { clock, idleTimeoutMs: 60_000 });
    const reopened = store.reopen();
    again.attach(reopened);
    reopened.assign([0, 1]);
    expect(again.watermark(0)).to.equal(Date.parse('2026-03-01T02:00:00Z'));
    const fired = await again.exclusive(0, TOPIC, async (journal) => {
      expect(again.view.get('open')).to.deep.equal({ count: 3 });
      again.view.observe(Date.parse('2026-03-01T03:00:00Z'));
      const due = again.takeDue();
      await again.flush(journal);
      return due;
    });
    expect(fired.map((timer) => [timer.id, timer.payload])).to.deep.equal([['later', 'p']]);
    expect(again.size()).to.include({ keys: 1, timers: 0 });
  });

  it('applies a source record once: its offset is kept with the state it changed', async () => {
    const source = { topic: 'in', partition: 4, offset: '17' };
    await batch(0, () => {
      expect(state.applied(source)).to.equal(false);
      state.noteApplied(source);
    });
    await batch(0, () => {
      expect(state.applied(source)).to.equal(true);
      expect(state.applied({ ...source, offset: '16' })).to.equal(true);
      expect(state.applied({ ...source, offset: '18' })).to.equal(false);
      expect(state.applied({ ...source, partition: 5 })).to.equal(false);
    });
  });

  it('refuses a value no changelog record can hold, at the write (the message is dead-lettered, the batch goes on)', async () => {
    await batch(0, () => {
      const huge = 'x'.repeat(MAX_STATE_VALUE_BYTES);
      expect(() => state.view.put('big', huge))
        .to.throw()
        .with.property('code', 'STATE_VALUE_TOO_LARGE');
      state.view.put('small', 'fine');
    });
    expect(store.get(0, 'k/small')).to.equal('fine');
    expect(store.get(0, 'k/big')).to.equal(undefined);
  });

  it('runs the batches and timer runs of one partition one after the other, and refuses state use outside them', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = state.exclusive(0, TOPIC, async () => {
      order.push('first starts');
      await held;
      order.push('first ends');
    });
    const second = state.exclusive(0, undefined, async () => {
      order.push('second');
    });
    const other = state.exclusive(1, TOPIC, async () => {
      order.push('other partition');
    });
    await other;
    release();
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['first starts', 'other partition', 'first ends', 'second']);
    expect(() => state.view.get('a'))
      .to.throw()
      .with.property('code', 'STATE_OUTSIDE_MESSAGE');
  });

  it('tells when a quiet partition will reach its earliest timer on the wall clock, for the runner to sleep until then', async () => {
    const readAt = clock.now();
    await batch(0, () => {
      state.view.observe(Date.parse('2026-03-01T00:00:00Z'));
      state.view.schedule('soon', Date.parse('2026-03-01T00:10:00Z'));
    });
    // Idle after a minute, then the watermark moves on 1:1 with the clock from the last event: ten minutes of it.
    expect(state.wallTimeDue(0)).to.equal(readAt + 10 * 60_000);
    expect(state.wallTimeDue(1)).to.equal(undefined);
    await clock.advance(10 * 60_000);
    expect(state.wallTimeDue(0)).to.equal(clock.now());
    expect((await batch(0, () => state.takeDue(), undefined)).map((timer) => timer.id)).to.deep.equal(['soon']);
    expect(state.wallTimeDue(0)).to.equal(undefined);
  });

  it('restores a partition of two inputs at the watermark it reached, not at the lower of its inputs', async () => {
    // B's records stop (it turns idle and no longer holds the partition back); A's move the watermark to 10:00.
    await batch(0, () => state.view.observe(Date.parse('2026-03-01T06:00:00Z')), 'b');
    await clock.advance(61_000);
    await batch(0, () => state.view.observe(Date.parse('2026-03-01T10:00:00Z')), 'a');
    expect(state.watermark(0)).to.equal(Date.parse('2026-03-01T10:00:00Z'));
    const again = new FlowState('steps[1].test', 'test', { clock, idleTimeoutMs: 60_000 });
    const reopened = store.reopen();
    again.attach(reopened);
    reopened.assign([0, 1]);
    // Each input comes back as just read, so the lower (B, 06:01) would hold the partition back; what closed at 10:00 stays closed.
    expect(again.watermark(0)).to.equal(Date.parse('2026-03-01T10:00:00Z'));
  });
});
