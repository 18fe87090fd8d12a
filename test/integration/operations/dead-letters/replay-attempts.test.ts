import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { deadLetterRoutes } from '../../../../src/interfaces/api/dead-letter-routes.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { DeadLetterOffice } from '../../../../src/operations/dead-letters/dead-letter-office.js';
import type { DeadLetterBrief } from '../../../../src/operations/dead-letters/dead-letter-view.js';
import type { ReplayRecord } from '../../../../src/operations/dead-letters/replay-record.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { connectorInputTopic } from '../../../../src/connect/runtime/connector-input-topic.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { cleanEnv, runCli } from '../../../support/cli-process.js';
import { instanceConfig, readUntil, startRuntime, waitFor, type RuntimeHarness } from '../../../support/runtime-harness.js';
import { uniqueName } from '../../infrastructure.js';

describe('replaying dead letters whose cause is still there (real broker, a sink whose target refuses everything)', function () {
  this.timeout(180_000);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
  const sink = uniqueName('it-replay-422').toLowerCase();
  const dlqTopic = `dlq.${sink}`;
  const tokens = { viewer: `viewer-${randomUUID()}`, operator: `operator-${randomUUID()}` };
  const as = (role: keyof typeof tokens) => ({ headers: { Authorization: `Bearer ${tokens[role]}` }, validateStatus: () => true });
  let target: http.Server;
  let harness: RuntimeHarness;
  let office: DeadLetterOffice;
  let server: http.Server;
  let base: string;

  before(async () => {
    // The back office refuses every customer it is sent, and keeps refusing: the cause persists.
    target = http
      .createServer((req, res) =>
        req.resume().on('end', () => res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"customer master closed"}')),
      )
      .listen(0, '127.0.0.1');
    await new Promise((resolve) => target.once('listening', resolve));
    harness = await startRuntime([
      instanceConfig({
        name: sink,
        connector: 'http-sink',
        config: {
          url: `http://127.0.0.1:${(target.address() as AddressInfo).port}/customers/{key}`,
          method: 'PUT',
          body: 'value',
          timeoutMs: 5000,
          headers: {},
        },
        allowPrivateNetworks: true,
        retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 50, multiplier: 2 },
      }),
    ]);
    const { client, serde, schemas } = harness;
    const input = connectorInputTopic(sink);
    const producer = await client.producer();
    const schema = schemas.registrySchema('crmhub.customer.Customer');
    await producer.send(
      input,
      await Promise.all(
        Array.from({ length: 14 }, async (_, n) => {
          const customer = { ...sampleCustomer(), customerId: `C${n}-${sink}` };
          return { key: customer.customerId, value: await serde.encode(valueSubject(input), schema, customer) };
        }),
      ),
    );
    await producer.disconnect();
    await readUntil(client, dlqTopic, (records) => records.length >= 14, 60_000);

    office = await DeadLetterOffice.open(
      { client, serde, schemas, logger },
      { persistEveryMs: 100, settlePollMs: 200, settleTimeoutMs: 60_000 },
    );
    const app = express();
    app.use(
      apiRouter(
        deadLetterRoutes(office),
        {
          tokens: new ApiTokens([
            { name: 'agent', role: 'viewer', sha256: sha256Hex(tokens.viewer) },
            { name: 'ops', role: 'operator', sha256: sha256Hex(tokens.operator) },
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
    await harness?.stop();
    await new Promise((resolve) => target.close(resolve));
  });

  async function finished(id: string): Promise<ReplayRecord> {
    let record: ReplayRecord | undefined;
    await waitFor(
      async () => {
        record = (await axios.get<ReplayRecord>(`${base}/api/dead-letters/replays/${id}`, as('viewer'))).data;
        return record.state !== 'running';
      },
      90_000,
      `replay ${id}`,
    );
    return record!;
  }

  it('keeps 14 dead letters with 7 attempts each after six replays of them all, each replay reporting 14 failed again, and refuses a second replay over the same ones while one runs', async () => {
    // Everything on this sink's dead-letter topic: on a broker other tests share, "all" is this topic.
    const everything = { filter: { topic: dlqTopic } };
    for (let replay = 1; replay <= 5; replay++) {
      const started = await axios.post<ReplayRecord>(`${base}/api/dead-letters/replays`, everything, as('operator'));
      expect(started.status, JSON.stringify(started.data)).to.equal(202);
      // The job runs until the sink has processed what it sent: a second replay of the same dead letters meanwhile is refused.
      const second = replay === 1 ? await axios.post(`${base}/api/dead-letters/replays`, everything, as('operator')) : undefined;
      expect(started.data.counts.total, `replay ${replay} selects each dead letter once`).to.equal(14);
      if (second) {
        expect(second.status, JSON.stringify(second.data)).to.equal(409);
        expect(second.data.error.code).to.equal('REPLAY_CONFLICT');
        expect(second.data.error.message).to.contain(started.data.id);
      }
      const ended = await finished(started.data.id);
      expect(ended.counts, `replay ${replay}`).to.deep.equal({ total: 14, done: 14, failed: 0, failedAgain: 14 });
      expect(ended.state).to.equal('failed');
    }

    const cli = await runCli(
      ['dlq', 'replay', '--topic', dlqTopic, '--hub', base, '--token', tokens.operator],
      cleanEnv({ LOG_LEVEL: 'error' }),
    );
    expect(cli.code, `${cli.stdout}\n${cli.stderr}`).to.equal(1);
    expect(cli.stdout).to.match(/^replay \S+ failed: 14\/14 replayed, 0 failed, 14 failed again/);

    const listed = await axios.get<{ items: DeadLetterBrief[]; matched: number }>(`${base}/api/dead-letters`, {
      params: { topic: dlqTopic, limit: 100 },
      ...as('viewer'),
    });
    expect(listed.data.matched).to.equal(14);
    expect(new Set(listed.data.items.map((item) => item.key)).size, 'each failing record once').to.equal(14);
    expect(listed.data.items.map((item) => item.attempts)).to.deep.equal(Array.from({ length: 14 }, () => 7));
    for (const item of listed.data.items) expect(item.reason.errorMessage).to.contain('422');
    expect((await axios.get(`${base}/api/dead-letters/summary`, { params: { topic: dlqTopic }, ...as('viewer') })).data.total).to.equal(14);
    const raw = await harness.client.readToEnd(dlqTopic);
    expect(raw.length, 'one record per attempt on the dead-letter topic').to.be.at.most(14 * 7);
  });
});
