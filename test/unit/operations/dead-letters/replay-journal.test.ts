import { expect } from 'chai';
import { HubError } from '../../../../src/core/hub-error.js';
import { REPLAY_JOURNAL_TOPIC, ReplayJournal } from '../../../../src/operations/dead-letters/replay-journal.js';
import type { ReplayRecord } from '../../../../src/operations/dead-letters/replay-record.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

function replay(id: string, when: string, done = 0): ReplayRecord {
  return {
    id,
    who: 'ops',
    when,
    ids: null,
    filter: null,
    target: null,
    counts: { total: 3, done, failed: 0, failedAgain: 0 },
    state: done === 3 ? 'done' : 'running',
    finishedAt: null,
    targets: {},
    errors: [],
    rerunOf: null,
  };
}

describe('ReplayJournal', () => {
  let kafka: InMemoryKafka;

  beforeEach(() => {
    kafka = new InMemoryKafka();
  });

  it('reads the replays a journal topic already holds (one JSON record per write), the latest of each, newest first', async () => {
    const admin = await kafka.admin();
    await admin.ensureTopics([{ topic: REPLAY_JOURNAL_TOPIC, partitions: 1 }]);
    const write = (record: ReplayRecord) =>
      kafka.append(REPLAY_JOURNAL_TOPIC, { key: record.id, value: Buffer.from(JSON.stringify(record)) });
    write(replay('r1', '2026-01-01T00:00:00Z', 1));
    write(replay('r2', '2026-01-02T00:00:00Z'));
    write(replay('r1', '2026-01-01T00:00:00Z', 3));

    const journal = await ReplayJournal.open(kafka, await kafka.producer());

    expect(journal.all().map((record) => [record.id, record.counts.done])).to.deep.equal([
      ['r2', 0],
      ['r1', 3],
    ]);
  });

  it('shows a write at once, while it is on its way, and writes the record as JSON keyed by replay id', async () => {
    const journal = await ReplayJournal.open(kafka, await kafka.producer());
    const shownDuringSend: (number | undefined)[] = [];
    kafka.onSend = async () => void shownDuringSend.push(journal.get('r1')?.counts.done);

    await journal.put(replay('r1', '2026-01-01T00:00:00Z', 1));
    await journal.put(replay('r1', '2026-01-01T00:00:00Z', 2));

    expect(shownDuringSend).to.deep.equal([1, 2]);
    expect(kafka.configs.get(REPLAY_JOURNAL_TOPIC)).to.deep.equal({ 'cleanup.policy': 'compact' });
    expect(kafka.records(REPLAY_JOURNAL_TOPIC).map((record) => JSON.parse(record.value!.toString()).counts.done)).to.deep.equal([1, 2]);
    expect((await ReplayJournal.open(kafka, await kafka.producer())).get('r1')?.counts.done).to.equal(2);
  });

  it('hands out copies: changing what it returned changes nothing kept', async () => {
    const journal = await ReplayJournal.open(kafka, await kafka.producer());
    const record = replay('r1', '2026-01-01T00:00:00Z');
    await journal.put(record);
    record.counts.done = 99;
    journal.get('r1')!.counts.done = 98;
    journal.all()[0]!.counts.done = 97;

    expect(journal.get('r1')?.counts.done).to.equal(0);
  });

  it('fails a write the broker refuses with REPLAY_RECORD_WRITE_FAILED naming the replay, and still shows the progress', async () => {
    const journal = await ReplayJournal.open(kafka, await kafka.producer());
    kafka.refuse.add(REPLAY_JOURNAL_TOPIC);

    try {
      await journal.put(replay('r1', '2026-01-01T00:00:00Z', 1));
      expect.fail('a refused write resolved');
    } catch (error) {
      expect(error).to.be.instanceOf(HubError).with.property('code', 'REPLAY_RECORD_WRITE_FAILED');
      expect((error as HubError).retriable).to.equal(true);
      expect((error as HubError).message).to.equal(
        `could not record replay r1 on ${REPLAY_JOURNAL_TOPIC}: the broker refused records for ${REPLAY_JOURNAL_TOPIC}`,
      );
    }
    expect(journal.get('r1')?.counts.done).to.equal(1);
    expect(journal.all().map((record) => record.id)).to.deep.equal(['r1']);
  });
});
