import { expect } from 'chai';
import type { IncomingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { uniqueName } from '../../../../test/integration/infrastructure.js';
import { claimsEvent, type ClaimsEvent } from '../../../../src/demo/claims-events.js';
import { startClaimsSimulator, type ClaimsSimulator } from '../../../../src/demo/claims-simulator.js';
import {
  connectorConfig,
  countByKey,
  instanceConfig,
  readUntil,
  serveWebhooks,
  startRuntime,
  waitFor,
  type RuntimeHarness,
} from '../../../../test/support/runtime-harness.js';

const TOPIC = 'claims.claim.v1';
const TOKEN = 'claims-token-3f90';

/** Claim numbers unique to one test run, since the canonical topic outlives it. */
function runClaimNumbers(): (sequence: number) => string {
  const run = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  return (sequence) => `RDAA2026${run}${String(sequence).padStart(8, '0')}`;
}

describe('claims on the real broker', function () {
  this.timeout(120_000);
  let system: ClaimsSimulator | undefined;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await system?.close();
    system = undefined;
  });

  it('polls the claim event feed through 503s onto claims.claim.v1, dead-letters an unmappable event, and resumes after a restart', async () => {
    const registNo = runClaimNumbers();
    const prefix = registNo(0).slice(0, 14);
    const policyNo = (i: number) => `P${registNo(i).slice(1)}`;
    // Eight claims, each reported then registered: sixteen events.
    const events: ClaimsEvent[] = Array.from({ length: 16 }, (_, i) =>
      claimsEvent({ msgId: `${prefix}-M${i}`, registNo: registNo(i >> 1), policyNo: policyNo(i >> 1), step: i % 2, variant: i >> 1 }),
    );
    const bad = claimsEvent({ msgId: `${prefix}-BAD`, registNo: registNo(99), policyNo: policyNo(99) });
    bad.sumReserve = '12500.005';
    system = await startClaimsSimulator({ bearerToken: TOKEN, events: [...events, bad] });
    const instance = instanceConfig({
      connector: 'claims',
      schedule: '*/1 * * * * *',
      config: await connectorConfig('claims', { poll: { url: system.feedUrl, pageSize: 4, timeoutMs: 2000, bearerToken: TOKEN } }),
    });
    system.backOffice.failNext(2, 503, { retryAfterSeconds: 0 });
    harness = await startRuntime([instance]);

    const first = await readUntil(
      harness.client,
      TOPIC,
      (records) => [...countByKey(records, prefix).values()].reduce((a, b) => a + b, 0) >= 16,
      40_000,
    );
    expect(system.backOffice.stats().byStatus[503]).to.equal(2); // both failed polls were retried
    const ofClaim0 = first.filter((r) => r.key?.toString() === registNo(0));
    const decoded = await Promise.all(ofClaim0.map(async (r) => (await harness!.serde.decode(r.value)).value as Record<string, unknown>));
    expect(decoded.map((c) => c.status)).to.deep.equal(['REPORTED', 'REGISTERED']); // per-key order kept
    expect(decoded[0]).to.deep.include({
      claimNumber: registNo(0),
      policyNumber: policyNo(0),
      lossDate: '2026-12-15',
      reportedAt: '2026-12-15T11:42:10.000Z',
      lossType: 'COLLISION',
      vehiclePlate: '沪AD12345',
    });
    expect(decoded[0]!.reserve).to.deep.include({ amount: '12500.00', currency: 'CNY' });
    expect(decoded[1]!.meta).to.deep.include({ eventType: 'ClaimRegistered', sourceSystem: 'claims', correlationId: registNo(0) });

    const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.key!.toString()).to.equal(registNo(99));
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('CLAIM_EVENT_INVALID');
    expect(letter!.headers[DEAD_LETTER_HEADER.errorMessage]).to.equal(
      'sumReserve: must be yuan with at most two decimals, got "12500.005"',
    );
    expect(letter!.headers[DEAD_LETTER_HEADER.originalTopic]).to.equal(TOPIC);
    expect(JSON.parse(letter!.value!.toString()).msgId).to.equal(`${prefix}-BAD`);

    await harness.stop();
    harness = undefined;
    // Claim 2 is paid while the hub is down: only that event is read after the restart.
    system.record(
      claimsEvent({
        msgId: `${prefix}-M2-PAY`,
        registNo: registNo(2),
        policyNo: policyNo(2),
        step: 4,
        variant: 2,
        nodeTime: '2026-12-20 16:00:00',
      }),
    );
    harness = await startRuntime([instance]);
    let records: IncomingRecord[] = [];
    await waitFor(
      async () => {
        records = (await harness!.client.readToEnd(TOPIC)).filter((r) => r.key?.toString() === registNo(2));
        return records.length >= 3;
      },
      30_000,
      'the payment recorded while the hub was down',
    );
    const counts = countByKey(await harness.client.readToEnd(TOPIC), prefix);
    expect(counts.get(registNo(0))).to.equal(2);
    expect(counts.get(registNo(2))).to.equal(3);
    const paid = (await harness.serde.decode(records[2]!.value)).value as {
      status: string;
      paid: { amount: string };
      reserve: { amount: string };
    };
    expect(paid).to.deep.include({ status: 'PAID' });
    expect(paid.paid.amount).to.equal('3200.00');
    expect(paid.reserve.amount).to.equal('0.00');
  });

  describe('webhook', () => {
    let webhooks: { url: string; close(): void };
    let url: string;
    const SECRET = 'claims-whsec-91aa';

    beforeEach(async () => {
      const instance = instanceConfig({
        connector: 'claims',
        webhook: { secret: SECRET, toleranceSeconds: 300, maxBodyBytes: 64 * 1024 },
        config: await connectorConfig('claims', {}),
      });
      harness = await startRuntime([instance]);
      system = await startClaimsSimulator({ events: [] });
      webhooks = await serveWebhooks(harness, instance.name);
      url = webhooks.url;
    });
    afterEach(() => webhooks.close());

    it('accepts a pushed claim event once per msgId, and refuses one that does not map with the path to fix', async () => {
      const registNo = runClaimNumbers();
      const msgId = uniqueName('CM');
      const reported = claimsEvent({ msgId, registNo: registNo(1), policyNo: 'PDAA202631010000054321', variant: 1 });
      const first = await system!.push(url, reported, SECRET);
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body).to.deep.include({ status: 'accepted', records: 1 });
      expect((await system!.push(url, reported, SECRET)).body).to.deep.include({ status: 'duplicate' });

      const refused = await system!.push(url, { ...reported, msgId: `${msgId}-bad`, damageDate: '2026-12-15' }, SECRET);
      expect(refused.status, JSON.stringify(refused.body)).to.equal(422);
      expect(JSON.stringify(refused.body)).to.contain('damageDate: must be a date as yyyyMMdd');
      expect((await system!.push(url, { registNo: registNo(2) }, SECRET)).status).to.equal(400); // no msgId
      expect((await system!.push(url, reported, 'wrong-secret')).status).to.equal(401);

      const records = (await harness!.client.readToEnd(TOPIC)).filter((r) => r.key?.toString().startsWith(registNo(0).slice(0, 14)));
      expect(records.map((r) => r.key!.toString())).to.deep.equal([registNo(1)]);
      const value = (await harness!.serde.decode(records[0]!.value)).value as {
        lossType: string;
        vehiclePlate: string;
        meta: { eventType: string };
      };
      expect(value).to.deep.include({ lossType: 'WATER_DAMAGE', vehiclePlate: '粤B12345' });
      expect(value.meta.eventType).to.equal('ClaimReported');
    });
  });
});
