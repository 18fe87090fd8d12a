import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { deadLetterRoutes } from '../../../../src/interfaces/api/dead-letter-routes.js';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { DeadLetterOffice } from '../../../../src/operations/dead-letters/dead-letter-office.js';
import type { DecodedDeadLetterValue, UndecodedDeadLetterValue } from '../../../../src/operations/dead-letters/dead-letter-view.js';
import { REPLAY_JOURNAL_TOPIC } from '../../../../src/operations/dead-letters/replay-journal.js';
import type { ReplayRecord } from '../../../../src/operations/dead-letters/replay-record.js';
import { HubError } from '../../../../src/core/hub-error.js';
import type { HubProducer } from '../../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { DeadLetterPublisher } from '../../../../src/connect/runtime/dead-letter-publisher.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { cleanEnv, runCli } from '../../../support/cli-process.js';
import { readUntil, waitFor } from '../../../support/runtime-harness.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

describe('dead letters on the real broker: list, show, replay over the API and the CLI', function () {
  this.timeout(60_000);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
  let client: KafkajsClient;
  const instance = uniqueName('it-dlq');
  const dlqTopic = `dlq.${instance}`;
  const originalTopic = uniqueName('it-dlq-original');
  const chosenTopic = uniqueName('it-dlq-chosen');
  // The broker creates no topic by writing to it: a replay's chosen target exists first.
  const cliTarget = uniqueName('it-dlq-cli');
  const tokens = { viewer: `viewer-${randomUUID()}`, operator: `operator-${randomUUID()}` };
  const customers = [1, 2, 3].map((n) => {
    const customer = sampleCustomer();
    return {
      ...customer,
      idNumber: String(customer.idNumber),
      customerId: `C${n}${instance}`,
      meta: { ...(customer.meta as object), correlationId: `corr-${n}-${instance}` },
    };
  });
  let office: DeadLetterOffice;
  let producer: HubProducer;
  let server: http.Server;
  let base: string;
  let encoded: Buffer[];
  const as = (role: keyof typeof tokens) => ({ headers: { Authorization: `Bearer ${tokens[role]}` }, validateStatus: () => true });

  before(async () => {
    client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
    const schemas = await SchemaCatalog.load();
    const serde = new AvroSerde(new SchemaRegistryClient(infrastructure().registry.url));
    producer = await client.producer();
    const admin = await client.admin();
    await admin
      .ensureTopics([
        { topic: dlqTopic, partitions: 2 },
        { topic: originalTopic, partitions: 2 },
        { topic: chosenTopic },
        { topic: cliTarget },
      ])
      .finally(() => admin.disconnect());
    encoded = await Promise.all(
      customers.map((customer) => serde.encode(`${originalTopic}-value`, schemas.registrySchema('crmhub.customer.Customer'), customer)),
    );
    const publisher = new DeadLetterPublisher(producer, dlqTopic, `connector:${instance}`);
    await publisher.publish(
      customers.map((customer, n) => ({
        key: customer.customerId,
        value: encoded[n]!,
        headers: { 'correlation-id': customer.meta.correlationId },
        error: new HubError('SINK_REJECTED', `crm refused ${customer.idNumber}`),
        attempts: 3,
        originalTopic,
        originalPartition: 0,
        originalOffset: String(n),
      })),
    );
    await publisher.publish([
      {
        key: 'garbage',
        value: Buffer.from('not avro at all'),
        headers: { 'correlation-id': `corr-garbage-${instance}` },
        error: new HubError('WIRE_FORMAT_INVALID', 'no magic byte'),
        attempts: 1,
        originalTopic,
      },
    ]);

    office = await DeadLetterOffice.open({ client, serde, schemas, logger }, { persistEveryMs: 100 });
    const app = express();
    app.use(
      apiRouter(
        deadLetterRoutes(office),
        {
          tokens: new ApiTokens([
            { name: 'agent', role: 'viewer', sha256: sha256Hex(tokens.viewer) },
            { name: 'ops-alice', role: 'operator', sha256: sha256Hex(tokens.operator) },
          ]),
          openPaths: new Set(),
        },
        logger,
      ),
    );
    server = http.createServer(app).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.close();
    await office?.stop();
    await producer?.disconnect();
  });

  async function finished(id: string): Promise<ReplayRecord> {
    let record: ReplayRecord | undefined;
    await waitFor(
      async () => {
        record = (await axios.get<ReplayRecord>(`${base}/api/dead-letters/replays/${id}`, as('viewer'))).data;
        return record.state !== 'running';
      },
      20_000,
      `replay ${id}`,
    );
    return record!;
  }

  it('lists, filters, counts and shows dead letters to a viewer, personal data masked', async () => {
    expect((await axios.get(`${base}/api/dead-letters`, { params: { topic: dlqTopic }, validateStatus: () => true })).status).to.equal(401);
    const all = await axios.get(`${base}/api/dead-letters`, { params: { topic: dlqTopic }, ...as('viewer') });
    expect(all.status, JSON.stringify(all.data)).to.equal(200);
    expect(all.data.matched).to.equal(4);
    expect(all.data.items[0].reason).to.include({ errorCode: 'WIRE_FORMAT_INVALID', stage: `connector:${instance}`, originalTopic });
    const rejected = await axios.get(`${base}/api/dead-letters`, {
      params: { topic: dlqTopic, code: 'SINK_REJECTED', source: instance, since: '1h', order: 'oldest', limit: 2 },
      ...as('viewer'),
    });
    expect(rejected.data.items).to.have.length(2);
    expect(rejected.data.items[0].reason.errorMessage).to.match(/^crm refused \d{6}\*{8}\d{3}[\dX]$/);
    const next = await axios.get(`${base}/api/dead-letters`, {
      params: { topic: dlqTopic, code: 'SINK_REJECTED', order: 'oldest', limit: 2, cursor: rejected.data.nextCursor },
      ...as('viewer'),
    });
    expect(next.data).to.include({ nextCursor: null });
    // One batch, one failure time: the pages follow partition and offset, each dead letter once.
    const paged = [...rejected.data.items, ...next.data.items] as { key: string; correlationId: string }[];
    expect(paged.map((item) => item.key).sort()).to.deep.equal(customers.map((customer) => customer.customerId).sort());
    expect(paged.map((item) => item.correlationId).sort()).to.deep.equal(customers.map((customer) => customer.meta.correlationId).sort());
    expect(
      (await axios.get(`${base}/api/dead-letters`, { params: { topic: dlqTopic, since: '2999-01-01' }, ...as('viewer') })).data.matched,
    ).to.equal(0);
    const invalid = await axios.get(`${base}/api/dead-letters`, { params: { topic: originalTopic }, ...as('viewer') });
    // The parameter's declared pattern (dlq.*) refuses it before the handler runs.
    expect([invalid.status, invalid.data.error.code, invalid.data.error.issues[0].path]).to.deep.equal([400, 'REQUEST_INVALID', 'topic']);

    const summary = await axios.get(`${base}/api/dead-letters/summary`, { params: { topic: dlqTopic }, ...as('viewer') });
    expect(summary.data.byCode).to.deep.equal([
      { code: 'SINK_REJECTED', count: 3 },
      { code: 'WIRE_FORMAT_INVALID', count: 1 },
    ]);
    expect(summary.data.byTopic.map((topic: { topic: string; count: number }) => [topic.topic, topic.count])).to.deep.equal([
      [dlqTopic, 4],
    ]);

    const shown = await axios.get(`${base}/api/dead-letters/${encodeURIComponent(rejected.data.items[0].id)}`, as('viewer'));
    expect(shown.status).to.equal(200);
    const value = shown.data.value as DecodedDeadLetterValue;
    expect(value.schemaName).to.equal('crmhub.customer.Customer');
    const customer = customers.find((candidate) => candidate.customerId === paged[0]!.key)!;
    expect(value.record).to.include({ customerId: customer.customerId, fullName: '张*' });
    expect(JSON.stringify(shown.data)).not.to.contain(customer.idNumber).and.not.to.contain('13812345678');
    expect(shown.data.headers).to.include({ 'dlq-error-code': 'SINK_REJECTED', 'correlation-id': customer.meta.correlationId });
    const garbage = await axios.get(`${base}/api/dead-letters/${encodeURIComponent(all.data.items[0].id)}`, as('viewer'));
    expect(Buffer.from((garbage.data.value as UndecodedDeadLetterValue).base64, 'base64').toString()).to.equal('not avro at all');
    expect((await axios.get(`${base}/api/dead-letters/${dlqTopic}:0:99999`, as('viewer'))).status).to.equal(404);
    expect((await axios.get(`${base}/api/dead-letters/not-an-id`, as('viewer'))).status).to.equal(400);
  });

  it('replays a filter to the original topic and ids to a chosen one, as an operator only, recording each replay', async () => {
    const request = { filter: { topic: dlqTopic, code: 'SINK_REJECTED' } };
    expect((await axios.post(`${base}/api/dead-letters/replays`, request, as('viewer'))).status, 'a viewer may not replay').to.equal(403);
    const started = await axios.post<ReplayRecord>(`${base}/api/dead-letters/replays`, request, as('operator'));
    expect(started.status, JSON.stringify(started.data)).to.equal(202);
    expect(started.headers.location).to.equal(`/api/dead-letters/replays/${started.data.id}`);
    expect(started.data).to.include({ who: 'ops-alice', target: null });
    expect(started.data.counts.total).to.equal(3);
    const ended = await finished(started.data.id);
    expect(ended).to.include({ state: 'done' });
    expect(ended.counts).to.deep.equal({ total: 3, done: 3, failed: 0, failedAgain: 0 });

    const replayed = await readUntil(client, originalTopic, (records) => records.length >= 3, 20_000);
    expect(replayed).to.have.length(3);
    for (const [n, customer] of customers.entries()) {
      const record = replayed.find((candidate) => candidate.key?.toString() === customer.customerId)!;
      expect(record.value!.equals(encoded[n]!), 'the original bytes').to.equal(true);
      expect(record.headers['correlation-id']).to.equal(customer.meta.correlationId);
      expect(record.headers['dlq-replay-id']).to.equal(started.data.id);
      expect(record.headers['dlq-replayed-from']).to.match(new RegExp(`^${dlqTopic.replaceAll('.', '\\.')}:\\d:\\d+$`));
      expect(
        Object.keys(record.headers)
          .filter((name) => name.startsWith('dlq-'))
          .sort(),
      ).to.deep.equal(['dlq-dead-letter-attempt', 'dlq-dead-letter-id', 'dlq-replay-id', 'dlq-replayed-from', 'dlq-replayed-to']);
      expect([
        record.headers['dlq-dead-letter-id'],
        record.headers['dlq-dead-letter-attempt'],
        record.headers['dlq-replayed-to'],
      ]).to.deep.equal([record.headers['dlq-replayed-from'], '1', originalTopic]);
    }

    const garbageId = (
      await axios.get(`${base}/api/dead-letters`, { params: { topic: dlqTopic, code: 'WIRE_FORMAT_INVALID' }, ...as('viewer') })
    ).data.items[0].id as string;
    const toChosen = await axios.post<ReplayRecord>(
      `${base}/api/dead-letters/replays`,
      { ids: [garbageId, garbageId], target: chosenTopic },
      as('operator'),
    );
    expect((await finished(toChosen.data.id)).counts).to.deep.equal({ total: 1, done: 1, failed: 0, failedAgain: 0 });
    const chosen = await readUntil(client, chosenTopic, (records) => records.length >= 1, 20_000);
    expect(
      chosen.map((record) => [
        record.key?.toString(),
        record.value?.toString(),
        record.headers['correlation-id'],
        record.headers['dlq-replayed-from'],
      ]),
    ).to.deep.equal([['garbage', 'not avro at all', `corr-garbage-${instance}`, garbageId]]);

    const journal = (await client.readToEnd(REPLAY_JOURNAL_TOPIC))
      .filter((record) => record.key?.toString() === started.data.id)
      .map((record) => JSON.parse(record.value!.toString()) as ReplayRecord);
    expect(journal.at(-1)).to.deep.include({
      id: started.data.id,
      who: 'ops-alice',
      state: 'done',
      filter: request.filter,
      target: null,
      counts: { total: 3, done: 3, failed: 0, failedAgain: 0 },
    });
    const listed = await axios.get<{ replays: ReplayRecord[] }>(`${base}/api/dead-letters/replays`, as('viewer'));
    expect(listed.data.replays.map((replay) => replay.id)).to.include.members([started.data.id, toChosen.data.id]);
  });

  it('lists and replays from the CLI, following progress to the end', async () => {
    const env = cleanEnv({ LOG_LEVEL: 'error' });
    const list = await runCli(
      ['dlq', 'list', '--topic', dlqTopic, '--code', 'SINK_REJECTED', '--hub', base, '--token', tokens.viewer],
      env,
    );
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout).to.contain(customers[1]!.customerId).and.to.contain('3 of 3 dead letters');
    const id = list.stdout.split('\n')[0]!.split(/\s+/)[1]!;
    expect(id).to.match(new RegExp(`^${dlqTopic.replaceAll('.', '\\.')}:\\d:\\d+$`));
    const replay = await runCli(['dlq', 'replay', id, '--to', cliTarget, '--hub', base, '--token', tokens.operator], env);
    expect(replay.code, replay.stderr).to.equal(0);
    expect(replay.stderr).to.match(/replay \S+: 1\/1 replayed, 0 failed/);
    expect(replay.stdout).to.match(/^replay \S+ done: 1\/1 replayed, 0 failed, 0 failed again/);
    const sent = await readUntil(client, cliTarget, (records) => records.length >= 1, 20_000);
    expect(sent[0]!.headers['dlq-replayed-from']).to.equal(id);
  });
});
