import { expect } from 'chai';
import express from 'express';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { infrastructure, uniqueName } from '../../../../test/integration/infrastructure.js';
import { instanceConfig, readUntil, startRuntime, waitFor, type RuntimeHarness } from '../../../../test/support/runtime-harness.js';
import { seededCrmCustomers, startCrmSimulator, type CrmSimulator } from '../../../../src/demo/crm-simulator.js';
import { sendWebhook } from '../../../../src/demo/webhook-sender.js';
import flagSink from '../../flag-sink.js';
import { startRuntimeWith } from './runtime-with-definitions.js';

const TOPIC = 'crm.customer.v1';
const TOKEN = 'crm-token-3e8b';

/** Seeded CRM customers renumbered under a prefix, so that tests sharing the topic do not see each other's records. */
function customers(prefix: string, count: number): Record<string, unknown>[] {
  return seededCrmCustomers(count).map((crm) => ({ ...crm, custNo: `${prefix}-${String(crm.custNo)}` }));
}

describe('crm connector on the real broker against the CRM simulator', function () {
  this.timeout(120_000);
  let crm: CrmSimulator | undefined;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await crm?.close();
    crm = undefined;
  });

  it('polls changed customers page by page onto crm.customer.v1 in canonical form, and dead-letters one that does not fit', async () => {
    const prefix = uniqueName('CRM');
    const seed = customers(prefix, 25);
    seed.push({ ...seed[0]!, custNo: `${prefix}-bad`, birthday: '1985-3-12' });
    crm = await startCrmSimulator({ bearerToken: TOKEN, customers: seed });
    crm.backOffice.failNext(1, 503, { retryAfterSeconds: 0 });
    const instance = instanceConfig({
      connector: 'crm',
      schedule: '*/1 * * * * *',
      config: { baseUrl: crm.url, bearerToken: TOKEN, sourceSystem: 'crm', pageSize: 10, timeoutMs: 2000 },
    });
    harness = await startRuntime([instance]);
    const mine = <T extends { key: Buffer | null }>(records: T[]): T[] =>
      records.filter((r) => r.key?.toString().startsWith(`${prefix}-C`));
    const all = mine(
      await readUntil(harness.client, TOPIC, (records) => new Set(mine(records).map((r) => r.key!.toString())).size >= 25, 40_000),
    );
    expect(new Set(all.map((r) => r.key!.toString())).size).to.equal(25);
    const first = all.find((r) => r.key!.toString() === seed[0]!.custNo)!;
    const value = (await harness.serde.decode(first.value)).value as Record<string, unknown>;
    expect(value).to.deep.include({
      customerId: seed[0]!.custNo,
      fullName: seed[0]!.name,
      idType: 'RESIDENT_ID',
      idNumber: seed[0]!.certNo,
      status: 'ACTIVE',
    });
    expect((value.meta as Record<string, unknown>).sourceSystem).to.equal('crm');
    expect((value.phones as { number: string }[])[0]!.number).to.equal(seed[0]!.mobile);

    const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('AVRO_VALUE_INVALID');
    expect(JSON.parse(letter!.value!.toString()).customerId).to.equal(`${prefix}-bad`);
  });

  it('produces nothing with a wrong token and reports the 401 on the instance', async () => {
    crm = await startCrmSimulator({ bearerToken: TOKEN, customers: customers(uniqueName('CRA'), 3) });
    const instance = instanceConfig({
      connector: 'crm',
      schedule: '*/1 * * * * *',
      config: { baseUrl: crm.url, bearerToken: 'wrong', sourceSystem: 'crm', pageSize: 10, timeoutMs: 2000 },
    });
    harness = await startRuntime([instance]);
    await waitFor(() => harness!.runtime.status(instance.name).lastError !== undefined, 15_000, 'the failed poll');
    expect(harness.runtime.status(instance.name).lastError!.message).to.contain('401');
    expect(harness.runtime.status(instance.name).counters.recordsOut).to.equal(0);
    expect(crm.backOffice.stats().byStatus[401]).to.be.greaterThan(0);
  });

  it('turns webhook events into customers, a merge into the survivor plus a MERGED record, and refuses a merge without the merged number', async () => {
    const prefix = uniqueName('CRW');
    const SECRET = 'whsec-crm-1';
    const instance = instanceConfig({
      connector: 'crm',
      webhook: { secret: SECRET, toleranceSeconds: 300, maxBodyBytes: 64 * 1024 },
      config: { baseUrl: 'http://127.0.0.1:1', bearerToken: TOKEN, sourceSystem: 'crm', pageSize: 10, timeoutMs: 2000 },
    });
    harness = await startRuntime([instance]);
    const app = express();
    app.use(harness.runtime.webhookRouter);
    let server: http.Server | undefined;
    await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
    try {
      const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/webhooks/${instance.name}`;
      const survivor: Record<string, unknown> = { ...customers(prefix, 1)[0], lastModified: '2026-11-23T08:29:58.123Z' };
      const created = await sendWebhook(
        url,
        { eventId: `${prefix}-e1`, eventType: 'CustomerCreated', customer: survivor },
        { secret: SECRET },
      );
      expect(created.status).to.equal(200);
      const noMerged = await sendWebhook(
        url,
        { eventId: `${prefix}-e2`, eventType: 'CustomerMerged', customer: survivor },
        { secret: SECRET },
      );
      expect(noMerged.status).to.equal(400);
      const merged = await sendWebhook(
        url,
        {
          eventId: `${prefix}-e3`,
          eventType: 'CustomerMerged',
          occurredAt: '2026-11-24T02:00:00.000Z',
          customer: survivor,
          mergedCustNo: `${prefix}-dup`,
        },
        { secret: SECRET },
      );
      expect(merged.status).to.equal(200);
      expect(merged.body).to.deep.include({ status: 'accepted', records: 2 });
      const records = (await harness.client.readToEnd(TOPIC)).filter((r) => r.key?.toString().startsWith(prefix));
      const values = await Promise.all(records.map(async (r) => (await harness!.serde.decode(r.value)).value as Record<string, unknown>));
      // Different keys may sit on different partitions: compare without their order.
      expect(
        values.map((v) => [v.customerId, v.status, v.mergedIntoCustomerId, (v.meta as Record<string, unknown>).eventType]),
      ).to.have.deep.members([
        [survivor.custNo, 'ACTIVE', null, 'CustomerCreated'],
        [survivor.custNo, 'ACTIVE', null, 'CustomerMerged'],
        [`${prefix}-dup`, 'MERGED', survivor.custNo, 'CustomerMerged'],
      ]);
    } finally {
      server!.closeAllConnections();
      server!.close();
    }
  });

  describe('flag write-back (crm-flags)', () => {
    async function produceFlags(topic: string, flags: Record<string, unknown>[]): Promise<void> {
      const schema = harness!.schemas.registrySchema('CustomerFlag');
      const producer = await harness!.client.producer();
      const records = await Promise.all(
        flags.map(async (flag) => ({
          key: String(flag.customerId),
          value: await harness!.serde.encode(valueSubject(topic), schema, flag),
          headers: {},
        })),
      );
      await producer.send(topic, records);
      await producer.disconnect();
    }
    async function ensureTopic(topic: string): Promise<void> {
      const admin = await new KafkajsClient({ brokers: infrastructure().kafka.brokers }).admin();
      await admin.ensureTopics([{ topic, partitions: 1 }]);
      await admin.disconnect();
    }
    const flag = (customerId: string): Record<string, unknown> => ({
      meta: {
        eventId: `e-${customerId}`,
        eventType: 'CustomerFlagRaised',
        sourceSystem: 'crm-hub',
        occurredAt: '2026-12-15T11:42:10.000Z',
        correlationId: `corr-${customerId}`,
      },
      customerId,
      flagType: 'HIGH_LOSS_RATIO',
      severity: 'CRITICAL',
      reason: '近一年赔付率超过300%',
      policyNumber: 'PDAA202631010000054321',
      claimNumber: null,
      lossRatio: '3.2380',
      raisedAt: '2026-12-15T11:42:10.000Z',
    });

    it('writes flags through 503s, and dead-letters the flag of an unknown customer (404) at once', async () => {
      const [known] = customers(uniqueName('CRF'), 1);
      crm = await startCrmSimulator({ bearerToken: TOKEN, customers: [known!] });
      const topic = uniqueName('it.crm.flags');
      const instance = instanceConfig({
        connector: 'crm-flags',
        topics: [topic],
        config: { baseUrl: crm.url, bearerToken: TOKEN, timeoutMs: 2000 },
      });
      crm.backOffice.failNext(3, 503, { path: `/api/customers/${String(known!.custNo)}` });
      await ensureTopic(topic);
      harness = await startRuntimeWith([flagSink], [instance]);
      await produceFlags(topic, [flag(String(known!.custNo)), flag('C-NO-SUCH-CUSTOMER')]);
      await waitFor(() => crm!.flagWrites().length >= 1, 20_000, 'the flag write');
      expect(crm.flagWrites()[0]).to.deep.include({
        custNo: known!.custNo,
        flagType: 'HIGH_LOSS_RATIO',
        level: '3',
        raisedTime: '2026-12-15 19:42:10',
      });
      const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
      expect(letter!.key!.toString()).to.equal('C-NO-SUCH-CUSTOMER');
      expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('HTTP_404');
      expect(letter!.headers[DEAD_LETTER_HEADER.attempts]).to.equal('1');
    });

    it('dead-letters flags refused with 401 (wrong token) without retrying', async () => {
      const [known] = customers(uniqueName('CRT'), 1);
      crm = await startCrmSimulator({ bearerToken: TOKEN, customers: [known!] });
      const topic = uniqueName('it.crm.flags-auth');
      const instance = instanceConfig({
        connector: 'crm-flags',
        topics: [topic],
        config: { baseUrl: crm.url, bearerToken: 'wrong', timeoutMs: 2000 },
      });
      await ensureTopic(topic);
      harness = await startRuntimeWith([flagSink], [instance]);
      await produceFlags(topic, [flag(String(known!.custNo))]);
      const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
      expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('HTTP_401');
      expect(crm.flagWrites()).to.have.length(0);
    });
  });
});
