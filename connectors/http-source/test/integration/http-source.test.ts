import { expect } from 'chai';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import type { IncomingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { sampleCustomer } from '../../../../test/fixtures/sample-records.js';
import { uniqueName } from '../../../../test/integration/infrastructure.js';
import {
  instanceConfig,
  readUntil,
  serveWebhooks,
  startRuntime,
  waitFor,
  type RuntimeHarness,
} from '../../../../test/support/runtime-harness.js';
import { startBackOfficeSimulator, type BackOfficeSimulator } from '../../../../src/demo/back-office-simulator.js';
import { sendWebhook } from '../../../../src/demo/webhook-sender.js';

const TOPIC = 'crm.customer.v1';
const TOKEN = 'crm-token-91c2';

/** A CRM customer as the CRM stores it: canonical fields, no envelope (the connector adds meta). */
function crmCustomer(customerId: string, fullName = '张伟'): Record<string, unknown> {
  const { meta: _meta, ...customer } = sampleCustomer();
  return { ...customer, customerId, fullName };
}

async function keysOn(harness: RuntimeHarness, prefix: string, done: (records: IncomingRecord[]) => boolean): Promise<IncomingRecord[]> {
  const all = await readUntil(
    harness.client,
    TOPIC,
    (records) => done(records.filter((r) => r.key?.toString().startsWith(prefix))),
    40_000,
  );
  return all.filter((r) => r.key?.toString().startsWith(prefix));
}

describe('http-source on the real broker', function () {
  this.timeout(120_000);
  let crm: BackOfficeSimulator;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await crm?.close();
  });

  it('polls a changed-since feed page by page, then resumes from its stored position after a restart', async () => {
    const prefix = uniqueName('CP');
    const seed = Array.from({ length: 57 }, (_, i) => crmCustomer(`${prefix}-${String(i).padStart(3, '0')}`));
    seed.push({ ...crmCustomer(`${prefix}-bad`), idType: 'NOT_A_TYPE' }); // does not fit the Avro schema
    crm = await startBackOfficeSimulator({
      name: 'crm',
      auth: { bearerToken: TOKEN },
      collections: { customers: { keyField: 'customerId', records: seed } },
    });
    const instance = instanceConfig({
      connector: 'http-source',
      schedule: '*/1 * * * * *',
      config: {
        topic: TOPIC,
        keyField: 'customerId',
        eventType: 'CustomerChanged',
        webhook: { eventIdField: 'eventId', recordsField: 'records' },
        poll: {
          url: `${crm.url}/api/customers`,
          pageSize: 10,
          timeoutMs: 2000,
          itemsField: 'items',
          nextCursorField: 'nextCursor',
          updatedAtField: 'updatedAt',
          params: { updatedSince: 'updatedSince', cursor: 'cursor', limit: 'limit' },
          bearerToken: TOKEN,
        },
      },
    });
    crm.failNext(2, 503, { retryAfterSeconds: 0 });
    harness = await startRuntime([instance]);
    const first = await keysOn(harness, prefix, (records) => new Set(records.map((r) => r.key!.toString())).size >= 57);
    expect(new Set(first.map((r) => r.key!.toString())).size).to.equal(57);
    const decoded = (await harness.serde.decode(first[0]!.value)).value as { meta: Record<string, unknown>; fullName: string };
    expect(decoded.fullName).to.equal('张伟');
    expect(decoded.meta).to.include({ eventType: 'CustomerChanged', sourceSystem: instance.name });
    expect(first[0]!.headers).to.include.keys('correlation-id', 'event-id', 'traceparent');
    // The item that does not fit the schema went to dead letter as JSON, with the reason.
    const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('AVRO_VALUE_INVALID');
    expect(JSON.parse(letter!.value!.toString()).customerId).to.equal(`${prefix}-bad`);

    await harness.stop();
    harness = undefined;
    // Changes made while the hub was down are picked up after the restart; the old ones are not produced again.
    crm.upsert('customers', crmCustomer(`${prefix}-003`, '张伟(改)'));
    crm.upsert('customers', crmCustomer(`${prefix}-new`, '王秀英'));
    harness = await startRuntime([instance]);
    // Count over the whole topic (all partitions, to its end) once the new change is there.
    const counts = new Map<string, number>();
    await waitFor(
      async () => {
        counts.clear();
        for (const r of await harness!.client.readToEnd(TOPIC)) {
          const key = r.key?.toString() ?? '';
          if (key.startsWith(prefix)) counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return counts.has(`${prefix}-new`) && counts.get(`${prefix}-003`) === 2;
      },
      30_000,
      'the changes made while the hub was down',
    );
    expect(counts.get(`${prefix}-003`)).to.equal(2);
    expect(counts.get(`${prefix}-new`)).to.equal(1);
    expect(counts.get(`${prefix}-000`)).to.equal(1);
  });

  describe('webhook', () => {
    let webhooks: { url: string; close(): void };
    let url: string;
    const SECRET = 'whsec-5d1f';
    let instanceName: string;

    beforeEach(async () => {
      const instance = instanceConfig({
        connector: 'http-source',
        webhook: { secret: SECRET, toleranceSeconds: 300, maxBodyBytes: 16 * 1024 },
        config: {
          topic: TOPIC,
          keyField: 'customerId',
          eventType: 'CustomerUpdated',
          webhook: { eventIdField: 'eventId', recordsField: 'records' },
        },
      });
      instanceName = instance.name;
      harness = await startRuntime([instance]);
      webhooks = await serveWebhooks(harness, instance.name);
      url = webhooks.url;
    });
    afterEach(() => webhooks.close());

    it('accepts a signed event only after the broker acknowledged it, once per event id', async () => {
      const prefix = uniqueName('CW');
      const body = { eventId: `${prefix}-evt-1`, records: [crmCustomer(`${prefix}-1`), crmCustomer(`${prefix}-2`, '李娜')] };
      const first = await sendWebhook(url, body, { secret: SECRET });
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.include({ status: 'accepted', records: 2 });
      const again = await sendWebhook(url, body, { secret: SECRET });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.include({ status: 'duplicate' });
      // 200 came after the broker's ack, so everything is already on the topic: read it to its end.
      const all = (await harness!.client.readToEnd(TOPIC)).filter((r) => r.key?.toString().startsWith(prefix));
      expect(all.map((r) => r.key!.toString()).sort()).to.deep.equal([`${prefix}-1`, `${prefix}-2`]); // the duplicate produced nothing
    });

    it('refuses bad signatures, stale timestamps, bodies without an event id, records that do not fit, and oversize bodies — producing nothing', async () => {
      const prefix = uniqueName('CX');
      const good = { eventId: `${prefix}-evt`, records: [crmCustomer(`${prefix}-1`)] };
      expect((await sendWebhook(url, good, { secret: 'wrong' })).status).to.equal(401);
      expect((await sendWebhook(url, good)).status).to.equal(401);
      expect((await sendWebhook(url, good, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).to.equal(401);
      const noId = await sendWebhook(url, { records: [] }, { secret: SECRET });
      expect(noId.status).to.equal(400);
      expect(JSON.stringify(noId.body)).to.contain('eventId');
      const unfit = await sendWebhook(
        url,
        { eventId: `${prefix}-unfit`, records: [crmCustomer(`${prefix}-2`), { ...crmCustomer(`${prefix}-3`), gender: 'X' }] },
        { secret: SECRET },
      );
      expect(unfit.status).to.equal(422);
      expect(JSON.stringify(unfit.body)).to.contain('gender');
      const huge = await sendWebhook(
        url,
        { eventId: `${prefix}-huge`, records: [{ ...crmCustomer(`${prefix}-4`), jobCategory: 'x'.repeat(20_000) }] },
        { secret: SECRET },
      );
      expect(huge.status).to.equal(413);
      const unknown = await sendWebhook(url.replace(instanceName, 'no-such-source'), good, { secret: SECRET });
      expect(unknown.status).to.equal(404);

      // Then a good one goes through, and it is the only record of this test on the topic.
      expect((await sendWebhook(url, good, { secret: SECRET })).status).to.equal(200);
      const records = (await harness!.client.readToEnd(TOPIC)).filter((r) => r.key?.toString().startsWith(prefix));
      expect(records.map((r) => r.key!.toString())).to.deep.equal([`${prefix}-1`]);
    });
  });
});
