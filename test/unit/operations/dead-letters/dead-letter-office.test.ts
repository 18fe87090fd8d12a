import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { DeadLetterOffice } from '../../../../src/operations/dead-letters/dead-letter-office.js';
import type { ReplayConflictError } from '../../../../src/operations/dead-letters/replay-conflict-error.js';
import type { ReplayRecord } from '../../../../src/operations/dead-letters/replay-record.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { DeadLetterPublisher } from '../../../../src/connect/runtime/dead-letter-publisher.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

const JOURNAL = 'crm-hub.dlq-replays';
const logger = createLogger({ level: 'error' });

async function until(record: () => ReplayRecord | undefined, what: string): Promise<ReplayRecord> {
  for (let tries = 0; tries < 200; tries++) {
    const current = record();
    if (current && current.state !== 'running') return current;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new RangeError(`${what} did not end`);
}

describe('the dead-letter office (in-memory broker)', () => {
  let schemas: SchemaCatalog;
  let client: InMemoryKafka;
  let office: DeadLetterOffice;

  before(async () => {
    schemas = await SchemaCatalog.load();
  });

  beforeEach(async () => {
    client = new InMemoryKafka();
    const producer = await client.producer();
    const crm = new DeadLetterPublisher(producer, 'dlq.crm-main', 'connector:crm-main');
    const flow = new DeadLetterPublisher(producer, 'dlq.flow.renewals', 'flow:renewals');
    await crm.publish(
      [0, 1, 2].map((n) => ({
        key: `C${n}`,
        value: Buffer.from(`customer ${n}`),
        headers: { 'correlation-id': `corr-${n}` },
        error: new HubError('AVRO_VALUE_INVALID', `bad ${n}`),
        attempts: 1,
        originalTopic: 'crm.customer.v1',
        originalPartition: 0,
        originalOffset: String(n),
      })),
    );
    await flow.publish([
      {
        key: 'P1',
        value: Buffer.from('policy'),
        headers: { 'correlation-id': 'corr-p' },
        error: new HubError('FLOW_STEP_FAILED', 'enrich failed', { retriable: true }),
        attempts: 4,
        originalTopic: 'policy.policy.v1',
      },
    ]);
    office = await DeadLetterOffice.open(
      { client, serde: new AvroSerde(new InMemorySchemaRegistry()), schemas, logger },
      { batchSize: 2, persistEveryMs: 0 },
    );
  });

  afterEach(() => office.stop());

  it('lists and counts the dead letters of every dlq.* topic and reads a topic again only when it changed', async () => {
    const all = await office.list({});
    expect(all.matched).to.equal(4);
    expect(all.items.map((item) => item.id)).to.have.members([
      'dlq.crm-main:0:0',
      'dlq.crm-main:0:1',
      'dlq.crm-main:0:2',
      'dlq.flow.renewals:0:0',
    ]);
    expect((await office.list({ source: 'renewals' })).items.map((item) => item.reason)).to.deep.equal([
      { ...all.items.find((item) => item.topic === 'dlq.flow.renewals')!.reason },
    ]);
    expect((await office.list({ code: 'AVRO_VALUE_INVALID' }, { limit: 2 })).nextCursor).to.be.a('string');
    const reads = client.reads;
    await office.summary();
    expect(client.reads, 'nothing changed: nothing read again').to.equal(reads);
    await new DeadLetterPublisher(await client.producer(), 'dlq.crm-main', 'connector:crm-main').publish([
      { key: 'C9', value: null, headers: {}, error: new HubError('X', 'x'), attempts: 1, originalTopic: 'crm.customer.v1' },
    ]);
    expect((await office.summary()).byTopic).to.deep.include.members([
      {
        topic: 'dlq.crm-main',
        count: 4,
        oldest: (await office.list({ topic: 'dlq.crm-main' }, { order: 'oldest', limit: 1 })).items[0]!.reason.failedAt,
        newest: (await office.list({ topic: 'dlq.crm-main' }, { limit: 1 })).items[0]!.reason.failedAt,
      },
    ]);
    expect(client.reads).to.equal(reads + 1);
  });

  it('replays a filter to the original topic with key, bytes and correlation id, once each, and records it', async () => {
    const started = await office.replay({ filter: { topic: 'dlq.crm-main' } }, 'ops-alice');
    expect(started).to.include({ who: 'ops-alice', state: 'running', target: null });
    expect(started.counts).to.deep.equal({ total: 3, done: 0, failed: 0, failedAgain: 0 });
    const ended = await until(() => office.replayStatus(started.id), 'the replay');
    expect(ended).to.include({ state: 'done' });
    expect(ended.counts).to.deep.equal({ total: 3, done: 3, failed: 0, failedAgain: 0 });
    expect(ended.targets).to.deep.equal({ 'crm.customer.v1': 3 });
    const replayed = client.records('crm.customer.v1');
    expect(replayed.map((record) => [record.key?.toString(), record.value?.toString(), record.headers['correlation-id']])).to.deep.equal([
      ['C0', 'customer 0', 'corr-0'],
      ['C1', 'customer 1', 'corr-1'],
      ['C2', 'customer 2', 'corr-2'],
    ]);
    const deadLetter = client.records('dlq.crm-main')[1]!;
    const original = Object.fromEntries(Object.entries(deadLetter.headers).filter(([name]) => !name.startsWith('dlq-')));
    expect(original).to.include({ 'correlation-id': 'corr-1' });
    expect({ ...replayed[1]!.headers, traceparent: undefined }).to.deep.equal({
      ...original,
      traceparent: undefined,
      'hub-stage': `replay:${started.id}`,
      'dlq-replayed-from': 'dlq.crm-main:0:1',
      'dlq-replay-id': started.id,
      'dlq-dead-letter-id': 'dlq.crm-main:0:1',
      'dlq-dead-letter-attempt': '1',
      'dlq-replayed-to': 'crm.customer.v1',
    });
    expect(replayed[1]!.headers.traceparent!.slice(0, 36), 'the same trace, a new span').to.equal(original.traceparent!.slice(0, 36));
    const journal = client
      .records(JOURNAL)
      .filter((record) => record.key?.toString() === started.id)
      .map((record) => JSON.parse(record.value!.toString()) as ReplayRecord);
    expect(journal[0]!.state).to.equal('running');
    expect(journal.at(-1)).to.deep.equal(ended);
  });

  it('records a record failing again after a replay as another attempt of the same dead letter, so replaying everything never multiplies them', async () => {
    const crm = new DeadLetterPublisher(await client.producer(), 'dlq.crm-main', 'connector:crm-main');
    // A consumer of crm.customer.v1 that rejects everything it gets, as a still-broken sink would.
    client.onSend = async (topic, records) => {
      if (topic === 'crm.customer.v1')
        await crm.publish(
          records.map((record) => ({
            key: record.key,
            value: record.value,
            headers: record.headers ?? {},
            error: new HubError('STILL_BROKEN', 'again'),
            attempts: 1,
            originalTopic: topic,
          })),
        );
    };
    for (let replay = 1; replay <= 6; replay++) {
      const started = await office.replay({ filter: {} }, 'ops');
      const ended = await until(() => office.replayStatus(started.id), `replay ${replay}`);
      expect(ended.counts, `replay ${replay}`).to.deep.equal({ total: 4, done: 4, failed: 0, failedAgain: 3 });
      expect(ended.state, 'what failed again is not a success').to.equal('failed');
    }
    const listed = await office.list({});
    expect(listed.matched).to.equal(4);
    const crmItems = listed.items.filter((item) => item.topic === 'dlq.crm-main').sort((a, b) => a.id.localeCompare(b.id));
    expect(crmItems.map((item) => [item.id, item.attempts, item.reason.errorCode])).to.deep.equal(
      [0, 1, 2].map((n) => [`dlq.crm-main:0:${n}`, 7, 'STILL_BROKEN']),
    );
    expect(crmItems[0]!.latestId, 'the latest attempt is a record of its own').not.to.equal(crmItems[0]!.id);
    expect(crmItems[0]!.firstFailedAt <= crmItems[0]!.reason.failedAt).to.equal(true);
    expect(client.records('dlq.crm-main'), 'one record per attempt, no more').to.have.length(3 * 7);
    expect((await office.summary()).total).to.equal(4);
    const shown = await office.show('dlq.crm-main:0:1');
    expect([shown!.attempts, shown!.headers['dlq-error-code']], "the latest failure's reason, not the first one").to.deep.equal([
      7,
      'STILL_BROKEN',
    ]);
    // Replaying by the id of an older attempt sends the dead letter (its latest attempt) once.
    const byOldAttempt = await office.replay({ ids: [crmItems[0]!.id, crmItems[0]!.latestId] }, 'ops');
    expect(byOldAttempt.counts.total).to.equal(1);
  });

  it('refuses a replay over dead letters that a running replay sends, naming it, and lets one over others start', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    client.onSend = async (topic) => {
      if (topic === 'crm.customer.v1') await held;
    };
    const first = await office.replay({ filter: { topic: 'dlq.crm-main' } }, 'ops');
    const both = await Promise.allSettled([office.replay({ filter: {} }, 'ops'), office.replay({ ids: ['dlq.crm-main:0:2'] }, 'ops')]);
    for (const outcome of both) {
      expect(outcome.status).to.equal('rejected');
      const error = (outcome as PromiseRejectedResult).reason as ReplayConflictError;
      expect([error.code, error.runningReplayId]).to.deep.equal(['REPLAY_CONFLICT', first.id]);
      expect(error.message).to.contain(first.id);
    }
    const other = await office.replay({ filter: { topic: 'dlq.flow.renewals' } }, 'ops');
    release();
    expect((await until(() => office.replayStatus(first.id), 'the first replay')).state).to.equal('done');
    expect((await until(() => office.replayStatus(other.id), 'the other replay')).state).to.equal('done');
    expect(
      (await office.replay({ filter: {} }, 'ops')).counts.total,
      'once it ended, the same dead letters may be replayed again',
    ).to.equal(4);
  });

  it('replays ids once each even when named twice, to a chosen topic', async () => {
    const started = await office.replay(
      { ids: ['dlq.flow.renewals:0:0', 'dlq.crm-main:0:2', 'dlq.flow.renewals:0:0'], target: 'sandbox.replays' },
      'ops',
    );
    const ended = await until(() => office.replayStatus(started.id), 'the replay');
    expect(ended.counts).to.deep.equal({ total: 2, done: 2, failed: 0, failedAgain: 0 });
    expect(ended.ids).to.deep.equal(['dlq.flow.renewals:0:0', 'dlq.crm-main:0:2']);
    expect(client.records('sandbox.replays').map((record) => record.headers['dlq-replayed-from'])).to.deep.equal([
      'dlq.crm-main:0:2',
      'dlq.flow.renewals:0:0',
    ]);
    expect(client.records('policy.policy.v1')).to.have.length(0);
  });

  it('refuses unknown ids and unclear requests before replaying anything', async () => {
    await expectRejection(
      office.replay({ ids: ['dlq.crm-main:0:2', 'dlq.crm-main:0:99'] }, 'ops'),
      'DEAD_LETTER_NOT_FOUND',
      'dlq.crm-main:0:99',
    );
    await expectRejection(office.replay({}, 'ops'), 'REPLAY_REQUEST_INVALID', 'ids, or a filter');
    await expectRejection(office.replay({ ids: ['dlq.crm-main:0:1'], filter: {} }, 'ops'), 'REPLAY_REQUEST_INVALID', 'not both');
    await expectRejection(
      office.replay({ filter: { topic: 'crm.customer.v1' } }, 'ops'),
      'DEAD_LETTER_TOPIC_INVALID',
      'not a dead-letter topic',
    );
    await expectRejection(office.replay({ filter: {}, target: 'no spaces' }, 'ops'), 'REPLAY_TARGET_INVALID', 'not a topic name');
    expect(client.records('crm.customer.v1')).to.have.length(0);
    expect(office.replays()).to.have.length(0);
  });

  it('counts as failed what has no original topic or what the broker refuses, and says why', async () => {
    await new DeadLetterPublisher(await client.producer(), 'dlq.import', 'cli:import/x.csv').publish([
      {
        key: null,
        value: Buffer.from('row'),
        headers: {},
        error: new HubError('ROW_INVALID', 'bad row'),
        attempts: 1,
        originalTopic: 'crm.customer.v1',
      },
    ]);
    const withoutOrigin = client.records('dlq.import')[0]!;
    delete withoutOrigin.headers['dlq-original-topic'];
    client.refuse.add('policy.policy.v1');
    const started = await office.replay({ filter: { code: 'FLOW_STEP_FAILED' } }, 'ops');
    const refused = await until(() => office.replayStatus(started.id), 'the replay');
    expect(refused).to.include({ state: 'failed' });
    expect(refused.counts).to.deep.equal({ total: 1, done: 0, failed: 1, failedAgain: 0 });
    expect(refused.errors).to.deep.equal(['policy.policy.v1: the broker refused records for policy.policy.v1']);
    const orphan = await office.replay({ filter: { topic: 'dlq.import' } }, 'ops');
    const ended = await until(() => office.replayStatus(orphan.id), 'the replay');
    expect(ended.counts).to.deep.equal({ total: 1, done: 0, failed: 1, failedAgain: 0 });
    expect(ended.errors[0]).to.contain('no dlq-original-topic header');
  });

  it('keeps replays across a restart, marks one cut off by a crash as failed, and re-runs it', async () => {
    const started = await office.replay({ filter: { topic: 'dlq.crm-main', since: '2000-01-01' }, target: 'sandbox.out' }, 'ops-bob');
    await until(() => office.replayStatus(started.id), 'the replay');
    // A replay left running by a process that died: its last record says running.
    const crashed: ReplayRecord = {
      ...started,
      id: 'crashed-replay',
      state: 'running',
      counts: { total: 3, done: 1, failed: 0, failedAgain: 0 },
    };
    await (await client.producer()).send(JOURNAL, [{ key: crashed.id, value: Buffer.from(JSON.stringify(crashed)) }]);
    await office.stop();

    office = await DeadLetterOffice.open(
      { client, serde: new AvroSerde(new InMemorySchemaRegistry()), schemas, logger },
      { persistEveryMs: 0 },
    );
    expect(office.replays().map((replay) => replay.id)).to.have.members([started.id, 'crashed-replay']);
    expect(office.replayStatus(started.id)).to.include({ state: 'done', who: 'ops-bob' });
    const interrupted = office.replayStatus('crashed-replay')!;
    expect(interrupted.state).to.equal('failed');
    expect(interrupted.errors.at(-1)).to.contain('interrupted');
    const rerun = (await office.rerun('crashed-replay', 'ops-carol'))!;
    expect(rerun).to.include({ rerunOf: 'crashed-replay', who: 'ops-carol', target: 'sandbox.out' });
    expect(rerun.filter).to.deep.equal({ topic: 'dlq.crm-main', since: '2000-01-01T00:00:00.000Z' });
    expect((await until(() => office.replayStatus(rerun.id), 'the re-run')).counts).to.deep.equal({
      total: 3,
      done: 3,
      failed: 0,
      failedAgain: 0,
    });
    expect(client.records('sandbox.out'), 'at least once: the first run and the re-run both sent them').to.have.length(6);
    expect(await office.rerun('no-such-replay', 'ops')).to.equal(undefined);
  });

  it('stops a running replay after the batch in flight and records it as interrupted', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    client.onSend = async (topic) => {
      if (topic === 'crm.customer.v1') await gate;
    };
    const started = await office.replay({ filter: { topic: 'dlq.crm-main' } }, 'ops');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const stopping = office.stop();
    release();
    await stopping;
    const ended = office.replayStatus(started.id)!;
    expect(ended.state).to.equal('failed');
    expect(ended.counts).to.deep.equal({ total: 3, done: 2, failed: 0, failedAgain: 0 });
    expect(ended.errors[0]).to.contain('interrupted');
    await expectRejection(office.replay({ filter: {} }, 'ops'), 'DEAD_LETTER_OFFICE_CLOSED', 'stopping');
  });
});

async function expectRejection(promise: Promise<unknown>, code: string, text: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error, `expected ${code}`).to.be.instanceOf(HubError);
  expect((error as HubError).code).to.equal(code);
  expect((error as HubError).message).to.contain(text);
}
