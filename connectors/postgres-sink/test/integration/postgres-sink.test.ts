import { expect } from 'chai';
import pg from 'pg';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { sampleCustomer } from '../../../../test/fixtures/sample-records.js';
import { infrastructure, uniqueName } from '../../../../test/integration/infrastructure.js';
import { startPostgres, type PostgresServer } from '../../../../test/support/postgres-server.js';
import { instanceConfig, readUntil, startRuntime, waitFor, type RuntimeHarness } from '../../../../test/support/runtime-harness.js';

type Customer = Record<string, unknown>;

describe('postgres-sink on the real broker and a real PostgreSQL', function () {
  this.timeout(120_000);
  let postgres: PostgresServer;
  let db: pg.Pool;
  let harness: RuntimeHarness | undefined;

  before(async () => {
    postgres = await startPostgres();
    db = new pg.Pool({ connectionString: postgres.connectionString, max: 2 });
  });
  after(async () => {
    await db?.end();
    await postgres?.stop();
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function topicFor(name: string): Promise<string> {
    const topic = uniqueName(name);
    const admin = await new KafkajsClient({ brokers: infrastructure().kafka.brokers }).admin();
    await admin.ensureTopics([{ topic, partitions: 2 }]);
    await admin.disconnect();
    return topic;
  }

  async function produce(topic: string, customers: Customer[], schema = harness!.schemas.registrySchema('Customer')): Promise<void> {
    const producer = await harness!.client.producer();
    const records = await Promise.all(
      customers.map(async (value) => ({
        key: String(value.customerId),
        value: await harness!.serde.encode(valueSubject(topic), schema, value),
      })),
    );
    await producer.send(topic, records);
    await producer.disconnect();
  }

  // Spelled out as the hub config would give it after defaults (the harness applies none).
  const sinkConfig = (topic: string, table: string) => ({
    connectionString: postgres.connectionString,
    schema: 'public',
    tables: { [topic]: table },
    maxConnections: 4,
    statementTimeoutMs: 30_000,
  });
  const customer = (id: string, extra: Customer = {}): Customer => ({ ...sampleCustomer(), customerId: id, ...extra });
  const rows = async (table: string) => (await db.query(`SELECT * FROM "${table}" ORDER BY key`)).rows as Record<string, unknown>[];
  const count = async (table: string) =>
    Number((await db.query(`SELECT count(*)::int AS n FROM "${table}"`).catch(() => ({ rows: [{ n: -1 }] }))).rows[0].n);

  it('upserts records by business key with typed columns, and a redelivery changes nothing', async () => {
    const topic = await topicFor('it.pg.customers');
    const table = uniqueName('dw_customer').replace(/-/g, '_');
    const instance = instanceConfig({ connector: 'postgres-sink', topics: [topic], config: sinkConfig(topic, table) });
    harness = await startRuntime([instance]);
    const ids = ['C-1', 'C-2', 'C-3'].map((id) => uniqueName(id));
    await produce(
      topic,
      ids.map((id) => customer(id)),
    );
    await waitFor(async () => (await count(table)) === 3, 30_000, 'three rows');

    const [first] = await rows(table);
    expect(first).to.include({
      key: [...ids].sort()[0],
      full_name: '张伟',
      meta_event_id: '0f8d3b52-6c1e-4a9b-9d57-2f4e8c1a7b30',
      status: 'ACTIVE',
      email: 'zhang.wei@example.com.cn',
    });
    expect(first!.created_at).to.be.instanceOf(Date);
    expect((first!.created_at as Date).toISOString()).to.equal('2019-06-01T02:15:30.000Z');
    expect((first!.phones as unknown[])[0]).to.deep.equal({ type: 'MOBILE', number: '13812345678', primary: true });
    const types = await db.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1`, [table]);
    const typeOf = Object.fromEntries(types.rows.map((r: { column_name: string; data_type: string }) => [r.column_name, r.data_type]));
    expect(typeOf).to.include({
      birth_date: 'date',
      created_at: 'timestamp with time zone',
      phones: 'jsonb',
      meta_occurred_at: 'timestamp with time zone',
    });

    // The same records again (a redelivery) and a changed version of one: still three rows, the change applied.
    await produce(topic, [...ids.map((id) => customer(id)), customer(ids[1]!, { fullName: '王秀英', email: null })]);
    await waitFor(async () => (await rows(table)).some((row) => row.full_name === '王秀英'), 30_000, 'the update');
    expect(await count(table)).to.equal(3);
    const updated = (await rows(table)).find((row) => row.key === ids[1]);
    expect(updated).to.include({ full_name: '王秀英', email: null });
  });

  it('adds a nullable column when a newer schema version brings an optional field', async () => {
    const topic = await topicFor('it.pg.evolve');
    const table = uniqueName('dw_customer').replace(/-/g, '_');
    const instance = instanceConfig({ connector: 'postgres-sink', topics: [topic], config: sinkConfig(topic, table) });
    harness = await startRuntime([instance]);
    const v1Id = uniqueName('C-v1');
    await produce(topic, [customer(v1Id)]);
    await waitFor(async () => (await count(table)) === 1, 30_000, 'the v1 row');

    const v2 = JSON.parse(harness.schemas.registrySchema('Customer')) as { fields: unknown[] };
    v2.fields.push({ name: 'loyaltyTier', type: ['null', 'string'], default: null, doc: 'Loyalty programme tier.' });
    const v2Id = uniqueName('C-v2');
    await produce(topic, [customer(v2Id, { loyaltyTier: '金卡' })], JSON.stringify(v2));
    await waitFor(async () => (await count(table)) === 2, 30_000, 'the v2 row');
    const byKey = Object.fromEntries((await rows(table)).map((row) => [row.key, row]));
    expect(byKey[v2Id]).to.include({ loyalty_tier: '金卡' });
    expect(byKey[v1Id]).to.include({ loyalty_tier: null });
    const column = await db.query(
      `SELECT is_nullable, data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = 'loyalty_tier'`,
      [table],
    );
    expect(column.rows[0]).to.deep.equal({ is_nullable: 'YES', data_type: 'text' });
  });

  it('dead-letters a record the database rejects (constraint) and writes the rest of its batch', async () => {
    const topic = await topicFor('it.pg.reject');
    const table = uniqueName('dw_customer').replace(/-/g, '_');
    // The warehouse has a rule of its own: the sink creates nothing over an existing table, it only adds columns.
    await db.query(`CREATE TABLE "${table}" (key text PRIMARY KEY, full_name text CHECK (full_name <> 'REJECT ME'))`);
    const instance = instanceConfig({ connector: 'postgres-sink', topics: [topic], config: sinkConfig(topic, table) });
    harness = await startRuntime([instance]);
    const good = [uniqueName('C-ok'), uniqueName('C-ok')];
    const bad = uniqueName('C-bad');
    await produce(topic, [customer(good[0]!), customer(bad, { fullName: 'REJECT ME' }), customer(good[1]!)]);
    const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.key!.toString()).to.equal(bad);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('PG_23514');
    expect(letter!.headers[DEAD_LETTER_HEADER.retriable]).to.equal('false');
    await waitFor(async () => (await count(table)) === 2, 30_000, 'the two good rows');
    expect((await rows(table)).map((row) => row.key)).to.have.members(good);
  });
});
