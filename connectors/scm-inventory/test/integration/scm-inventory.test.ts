import { expect } from 'chai';
import express from 'express';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import type { IncomingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { sampleServiceRequest } from '../../../../test/fixtures/sample-records.js';
import { uniqueName } from '../../../../test/integration/infrastructure.js';
import type { BackOfficeSimulator } from '../../../../src/demo/back-office-simulator.js';
import { lowStockEvent, SCM_SEED_STOCK, startScmSimulator, stockId } from '../../../../src/demo/scm-simulator.js';
import { sendWebhook } from '../../../../src/demo/webhook-sender.js';
import {
  connectorConfig,
  instanceConfig,
  readUntil,
  startRuntime,
  waitFor,
  type RuntimeHarness,
} from '../../../../test/support/runtime-harness.js';

const TOPIC = 'scm.inventory.v1';
const TOKEN = 'scm-token-5f12';

const keyOf = (row: Record<string, unknown>): string => `${String(row.matnr)}@${String(row.werks)}-${String(row.lgort)}`;

/** The records of scm.inventory.v1 with one of these keys, decoded (the topic is shared with other tests). */
async function decodedWithKeys(
  harness: RuntimeHarness,
  records: IncomingRecord[],
  keys: ReadonlySet<string>,
): Promise<{ key: string; value: Record<string, unknown> }[]> {
  const mine = records.filter((r) => keys.has(r.key?.toString() ?? ''));
  return Promise.all(
    mine.map(async (r) => ({ key: r.key!.toString(), value: (await harness.serde.decode(r.value)).value as Record<string, unknown> })),
  );
}

describe('scm-inventory and scm-reservations on the real broker against the SCM simulator', function () {
  this.timeout(120_000);
  let scm: BackOfficeSimulator | undefined;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await scm?.close();
    scm = undefined;
  });

  it('polls every stock row page by page through 503s onto scm.inventory.v1, keyed part@warehouse and decodable', async () => {
    scm = await startScmSimulator({ auth: { bearerToken: TOKEN } });
    const instance = instanceConfig({
      connector: 'scm-inventory',
      schedule: '*/1 * * * * *',
      config: await connectorConfig('scm-inventory', {
        baseUrl: scm.url,
        bearerToken: TOKEN,
        stockPath: '/api/stock',
        pageSize: 3,
        timeoutMs: 2000,
      }),
    });
    scm.failNext(2, 503, { path: /^\/api\/stock/, retryAfterSeconds: 0 });
    harness = await startRuntime([instance]);

    const keys = new Set(SCM_SEED_STOCK.map(keyOf));
    expect(keys.size).to.equal(8);
    // Seed keys are fixed, so this run's records are told apart by their eventId, which starts with the instance name.
    const ours = <T extends { value: Record<string, unknown> }>(decoded: T[]): T[] =>
      decoded.filter((d) => String((d.value.meta as { eventId: string }).eventId).startsWith(`${instance.name}:`));
    let mine: { key: string; value: Record<string, unknown> }[] = [];
    await waitFor(
      async () => {
        mine = ours(await decodedWithKeys(harness!, await harness!.client.readToEnd(TOPIC), keys));
        return new Set(mine.map((d) => d.key)).size === keys.size;
      },
      40_000,
      'every seeded stock row on scm.inventory.v1',
    );
    expect(scm.stats().byStatus[503]).to.equal(2); // both failed polls were retried
    // A few more polls: the watermark has moved past every row, so none is read again.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    mine = ours(await decodedWithKeys(harness, await harness.client.readToEnd(TOPIC), keys));
    expect(mine.map((d) => d.key).sort()).to.deep.equal([...keys].sort());

    const bumper = mine.find((d) => d.key === '52119-06983@WH-SZ-01')!.value;
    expect(bumper).to.deep.include({
      partNumber: '52119-06983',
      partName: '前保险杠总成',
      warehouseCode: 'WH-SZ-01',
      onHand: 42,
      reserved: 5,
      reorderPoint: 10,
      unitOfMeasure: 'PCS',
    });
    expect(bumper.unitCost).to.deep.include({ amount: '1288.00', currency: 'CNY' });
    expect(bumper.meta).to.deep.include({
      eventType: 'StockLevelChanged',
      sourceSystem: 'scm',
      eventId: `${instance.name}:${stockId('52119-06983', 'WH-SZ', '01')}:2026-11-20T01:00:00.000Z`,
    });
    expect(mine.find((d) => d.key === 'FLT-AC-01@WH-SZ-01')!.value.unitCost).to.equal(null); // no standard price
    expect(mine.find((d) => d.key === 'R32-3KG@WH-SZ-02')!.value).to.deep.include({ onHand: 2, reserved: 2, unitOfMeasure: 'BTL' });
  });

  describe('low-stock webhook', () => {
    let server: http.Server | undefined;
    const SECRET = 'scm-whsec-9d31';

    afterEach(() => {
      server?.closeAllConnections();
      server?.close();
      server = undefined;
    });

    it('accepts a signed low-stock event once per eventId onto scm.inventory.v1, and refuses a bad signature', async () => {
      const instance = instanceConfig({
        connector: 'scm-inventory',
        webhook: { secret: SECRET, toleranceSeconds: 300, maxBodyBytes: 64 * 1024 },
        config: await connectorConfig('scm-inventory', { baseUrl: 'http://127.0.0.1:9' }),
      });
      harness = await startRuntime([instance]);
      const app = express();
      app.use(harness.runtime.webhookRouter);
      await new Promise<void>((resolve) => (server = app.listen(0, '127.0.0.1', () => resolve())));
      const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/webhooks/${instance.name}`;

      // Part numbers unique to this run, since the canonical topic outlives it.
      const part = uniqueName('FLT');
      const items = [
        { ...SCM_SEED_STOCK[3]!, stockId: stockId(part, 'WH-SZ', '01'), matnr: part, labst: 3, updatedAt: '2026-11-21T08:00:00.000Z' },
        {
          ...SCM_SEED_STOCK[3]!,
          stockId: stockId(part, 'WH-SH', '01'),
          matnr: part,
          werks: 'WH-SH',
          labst: 1,
          updatedAt: '2026-11-21T08:00:01.000Z',
        },
      ];
      const event = lowStockEvent(uniqueName('LOW'), items);
      const first = await sendWebhook(url, event, { secret: SECRET });
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body).to.deep.include({ status: 'accepted', records: 2 });
      expect((await sendWebhook(url, event, { secret: SECRET })).body).to.deep.include({ status: 'duplicate' });
      expect((await sendWebhook(url, event, { secret: 'wrong-secret' })).status).to.equal(401);
      expect((await sendWebhook(url, { event: 'STOCK_BELOW_MIN', items }, { secret: SECRET })).status).to.equal(400); // no eventId

      const keys = new Set([`${part}@WH-SZ-01`, `${part}@WH-SH-01`]);
      const mine = await decodedWithKeys(harness, await harness.client.readToEnd(TOPIC), keys);
      expect(mine.map((d) => d.key).sort()).to.deep.equal([...keys].sort());
      const sz = mine.find((d) => d.key === `${part}@WH-SZ-01`)!.value;
      expect(sz).to.deep.include({
        partNumber: part,
        warehouseCode: 'WH-SZ-01',
        onHand: 3,
        reorderPoint: 20,
        updatedAt: '2026-11-21T08:00:00.000Z',
      });
      expect(sz.meta).to.deep.include({ eventType: 'StockBelowMinimum', sourceSystem: 'scm', eventId: `${String(event.eventId)}#0` });
    });
  });

  describe('scm-reservations', () => {
    async function produce(topic: string, records: { key: string; value: Record<string, unknown> }[]): Promise<void> {
      const h = harness!;
      const producer = await h.client.producer();
      const encoded = await Promise.all(
        records.map(async (r) => ({
          key: r.key,
          value: await h.serde.encode(valueSubject(topic), h.schemas.registrySchema('ServiceRequest'), r.value),
          headers: {},
        })),
      );
      await producer.send(topic, encoded);
      await producer.disconnect();
    }

    const ticket = (ticketNumber: string, partsRequested: { partNumber: string; quantity: number }[], status = 'WAITING_PARTS') => {
      const base = sampleServiceRequest();
      return {
        key: ticketNumber,
        value: { ...base, meta: { ...(base.meta as object), eventId: uniqueName('ev') }, ticketNumber, status, partsRequested },
      };
    };

    it('reserves requested parts once despite redelivery, skips closed tickets, and dead-letters a reservation the stock cannot cover', async () => {
      scm = await startScmSimulator({ auth: { bearerToken: TOKEN } });
      const topic = uniqueName('it.scm.service-requests');
      const instance = instanceConfig({
        connector: 'scm-reservations',
        topics: [topic],
        config: await connectorConfig('scm-reservations', {
          baseUrl: scm.url,
          bearerToken: TOKEN,
          plant: 'WH-SZ',
          storageLocation: '01',
          timeoutMs: 2000,
        }),
      });
      harness = await startRuntime([instance]);
      scm.failNext(2, 503, { path: /^\/api\/reservations/, retryAfterSeconds: 0 });

      const sr = uniqueName('SR');
      const ok = ticket(`${sr}-1`, [
        { partNumber: 'CMP-35-INV', quantity: 1 },
        { partNumber: 'CAP-35UF', quantity: 2 },
      ]);
      // Free compressors in WH-SZ/01: 6 on hand − 1 reserved − 1 for ticket 1 = 4, so 5 cannot be covered (409).
      const short = ticket(`${sr}-2`, [{ partNumber: 'CMP-35-INV', quantity: 5 }]);
      const closed = ticket(`${sr}-3`, [{ partNumber: 'CAP-35UF', quantity: 1 }], 'CLOSED');
      await produce(topic, [ok, closed]);
      await waitFor(() => scm!.records('reservations').length === 2, 30_000, 'the two reservations of ticket 1');
      await produce(topic, [ok, short]); // ticket 1 redelivered, as after a rebalance

      const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
      expect(letter!.key!.toString()).to.equal(`${sr}-2`);
      expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('SCM_STOCK_NOT_AVAILABLE');
      expect(letter!.headers[DEAD_LETTER_HEADER.errorMessage]).to.contain(
        `stock not available: 5 × CMP-35-INV in WH-SZ/01 for ticket ${sr}-2`,
      );
      expect(letter!.headers[DEAD_LETTER_HEADER.originalTopic]).to.equal(topic);

      // The redelivery of ticket 1 was answered from the idempotency store: still one write per part.
      // 2 × 503 and 2 creations for ticket 1, then its 2 replays and the 409 of ticket 2 (keys may sit on other partitions).
      await waitFor(() => scm!.stats().total === 7, 10_000, 'the redelivery of ticket 1 and the refused reservation');
      expect(scm.stats().byStatus[409]).to.equal(1);
      const reservations = scm.records('reservations');
      expect(reservations.map((r) => r.rsnum).sort()).to.deep.equal([`${sr}-1/CAP-35UF`, `${sr}-1/CMP-35-INV`]);
      expect(scm.received('reservations')).to.have.length(2);
      expect(reservations.find((r) => r.rsnum === `${sr}-1/CMP-35-INV`)).to.deep.include({
        reference: `${sr}-1`,
        matnr: 'CMP-35-INV',
        menge: 1,
        werks: 'WH-SZ',
        lgort: '01',
        requester: 'ENG-0217',
      });
      const held = (id: string) => scm!.records('stock').find((s) => s.stockId === id)!;
      expect(held(stockId('CMP-35-INV', 'WH-SZ', '01')).reserved).to.equal(2); // 1 seeded + 1, once
      expect(held(stockId('CAP-35UF', 'WH-SZ', '01')).reserved).to.equal(2);
      expect(scm.stats().byStatus[503]).to.equal(2); // both failed reservations were retried
    });
  });
});
