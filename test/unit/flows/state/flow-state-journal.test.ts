import { expect } from 'chai';
import { FlowStateJournal, type StateSink } from '../../../../src/flows/state/flow-state-journal.js';
import type { StateEntry } from '../../../../src/platform/state/state-store.js';

class MapSink implements StateSink {
  readonly values = new Map<string, unknown>();
  readonly writes: number[] = [];
  read(key: string): unknown {
    return this.values.get(key);
  }
  async writeAll(entries: readonly StateEntry[]): Promise<void> {
    this.writes.push(entries.length);
    for (const { key, value } of entries) this.values.set(key, value);
  }
}

describe('FlowStateJournal', () => {
  it('shows pending writes to reads, and writes nothing until flushed', async () => {
    const sink = new MapSink();
    sink.values.set('a', 1);
    const journal = new FlowStateJournal();
    journal.record(sink, 'b', 2);
    expect(journal.read(sink, 'a')).to.equal(1);
    expect(journal.read(sink, 'b')).to.equal(2);
    expect(sink.values.has('b')).to.equal(false);
    await journal.flush();
    expect(sink.values.get('b')).to.equal(2);
    expect(journal.mark()).to.equal(0);
  });

  it('rolls back exactly the writes after a mark, keeping the earlier ones', async () => {
    const sink = new MapSink();
    const journal = new FlowStateJournal();
    journal.record(sink, 'first', 1);
    const mark = journal.mark();
    journal.record(sink, 'first', 10);
    journal.record(sink, 'second', 2);
    journal.rollback(mark);
    expect(journal.read(sink, 'first')).to.equal(1);
    expect(journal.read(sink, 'second')).to.equal(undefined);
    await journal.flush();
    expect([...sink.values]).to.deep.equal([['first', 1]]);
  });

  it('flushes a batch as one write per sink, in order, the last write of a key winning', async () => {
    const sinks = [new MapSink(), new MapSink()];
    const expected = [new Map<string, unknown>(), new Map<string, unknown>()];
    const journal = new FlowStateJournal();
    for (let i = 0; i < 500; i++) {
      journal.record(sinks[i % 2]!, `k${i % 7}`, i);
      expected[i % 2]!.set(`k${i % 7}`, i);
    }
    await journal.flush();
    expect(sinks.map((sink) => sink.writes)).to.deep.equal([[250], [250]]);
    expect(sinks.map((sink) => Object.fromEntries(sink.values))).to.deep.equal(expected.map((map) => Object.fromEntries(map)));
    await journal.flush();
    expect(sinks[0]!.writes, 'nothing left to write').to.deep.equal([250]);
  });

  it('keeps concurrent batches apart', async () => {
    const a = new FlowStateJournal();
    const b = new FlowStateJournal();
    const seen: (FlowStateJournal | undefined)[] = [];
    await Promise.all([
      FlowStateJournal.within(a, async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seen.push(FlowStateJournal.current());
      }),
      FlowStateJournal.within(b, async () => {
        seen.push(FlowStateJournal.current());
      }),
    ]);
    expect(seen).to.deep.equal([b, a]);
    expect(FlowStateJournal.current()).to.equal(undefined);
  });
});
