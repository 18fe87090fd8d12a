import { expect } from 'chai';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { uniqueName } from '../../../../test/integration/infrastructure.js';
import { policyAdminEvent, type PolicyAdminEvent } from '../../../../src/demo/policy-admin-events.js';
import { startPolicyAdminSimulator, type PolicyAdminSimulator } from '../../../../src/demo/policy-admin-simulator.js';
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

const TOPIC = 'policy.policy.v1';
const TOKEN = 'policy-token-7e41';

/** Policy numbers unique to one test run, since the canonical topic outlives it. */
function runPolicyNumbers(): (sequence: number) => string {
  const run = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  return (sequence) => `PDAA2026${run}${String(sequence).padStart(8, '0')}`;
}

describe('policy-admin on the real broker', function () {
  this.timeout(120_000);
  let system: PolicyAdminSimulator | undefined;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await system?.close();
    system = undefined;
  });

  it('polls the event feed through 503s onto policy.policy.v1, dead-letters an unmappable event, and resumes after a restart', async () => {
    const polNo = runPolicyNumbers();
    const prefix = polNo(0).slice(0, 14);
    const events: PolicyAdminEvent[] = Array.from({ length: 23 }, (_, i) =>
      policyAdminEvent({ eventNo: `${prefix}-E${i}`, polNo: polNo(i), variant: i }),
    );
    const bad = policyAdminEvent({ eventNo: `${prefix}-BAD`, polNo: polNo(99), variant: 0 });
    bad.policy.startDate = '2026/12/01';
    system = await startPolicyAdminSimulator({ bearerToken: TOKEN, events: [...events, bad] });
    const instance = instanceConfig({
      connector: 'policy-admin',
      schedule: '*/1 * * * * *',
      config: await connectorConfig('policy-admin', { poll: { url: system.feedUrl, pageSize: 5, timeoutMs: 2000, bearerToken: TOKEN } }),
    });
    system.backOffice.failNext(2, 503, { retryAfterSeconds: 0 });
    harness = await startRuntime([instance]);

    const first = await readUntil(harness.client, TOPIC, (records) => countByKey(records, prefix).size >= 23, 40_000);
    expect(system.backOffice.stats().byStatus[503]).to.equal(2); // both failed polls were retried
    const mine = first.filter((r) => r.key?.toString().startsWith(prefix));
    const byKey = new Map(mine.map((r) => [r.key!.toString(), r]));
    const decoded = (await harness.serde.decode(byKey.get(polNo(1))!.value)).value as Record<string, unknown>;
    expect(decoded).to.deep.include({
      policyNumber: polNo(1),
      productLine: 'MOTOR',
      productCode: 'DAA',
      effectiveDate: '2026-12-01',
      status: 'IN_FORCE',
    });
    expect(decoded.vehicle).to.deep.include({ plate: '沪AD12345', make: '比亚迪' });
    expect(decoded.premium).to.deep.include({ amount: '3872.84', currency: 'CNY' }); // 387284 fen
    expect(decoded.meta).to.deep.include({
      eventType: 'PolicyIssued',
      sourceSystem: 'core-policy',
      occurredAt: '2026-11-23T03:12:45.000Z',
    });

    const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.key!.toString()).to.equal(polNo(99));
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('POLICY_EVENT_INVALID');
    expect(letter!.headers[DEAD_LETTER_HEADER.errorMessage]).to.equal('policy.startDate: must be a date as yyyyMMdd, got "2026/12/01"');
    expect(letter!.headers[DEAD_LETTER_HEADER.originalTopic]).to.equal(TOPIC);
    expect(JSON.parse(letter!.value!.toString()).eventNo).to.equal(`${prefix}-BAD`); // the system's own event, to fix and resend

    await harness.stop();
    harness = undefined;
    // Events of the policy system while the hub was down are read after the restart; earlier ones are not read again.
    system.record(
      policyAdminEvent({
        eventNo: `${prefix}-E3-ENDORSE`,
        polNo: polNo(3),
        variant: 3,
        bizType: 'ENDORSE',
        eventTime: '2026-11-25 10:00:00',
      }),
    );
    system.record(policyAdminEvent({ eventNo: `${prefix}-E50`, polNo: polNo(50), variant: 1 }));
    harness = await startRuntime([instance]);
    let counts = new Map<string, number>();
    await waitFor(
      async () => {
        counts = countByKey(await harness!.client.readToEnd(TOPIC), prefix);
        return counts.has(polNo(50)) && counts.get(polNo(3)) === 2;
      },
      30_000,
      'the events recorded while the hub was down',
    );
    expect(counts.get(polNo(0))).to.equal(1);
    expect(counts.get(polNo(3))).to.equal(2);
    expect(counts.size).to.equal(24);
  });

  describe('webhook', () => {
    let webhooks: { url: string; close(): void };
    let url: string;
    const SECRET = 'policy-whsec-2b8c';

    beforeEach(async () => {
      const instance = instanceConfig({
        connector: 'policy-admin',
        webhook: { secret: SECRET, toleranceSeconds: 300, maxBodyBytes: 64 * 1024 },
        config: await connectorConfig('policy-admin', {}),
      });
      harness = await startRuntime([instance]);
      system = await startPolicyAdminSimulator({ events: [] });
      webhooks = await serveWebhooks(harness, instance.name);
      url = webhooks.url;
    });
    afterEach(() => webhooks.close());

    it('accepts a pushed policy event once per eventNo, and refuses one that does not map with the path to fix', async () => {
      const polNo = runPolicyNumbers();
      const eventNo = uniqueName('PE');
      const cancelled = policyAdminEvent({ eventNo, polNo: polNo(1), variant: 3, bizType: 'CANCEL' });
      const first = await system!.push(url, cancelled, SECRET);
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.include({ status: 'accepted', records: 1 });
      expect((await system!.push(url, cancelled, SECRET)).body).to.deep.include({ status: 'duplicate' });

      const bad = policyAdminEvent({ eventNo: `${eventNo}-bad`, polNo: polNo(2) });
      bad.policy.sumPremium = 386050.5;
      const refused = await system!.push(url, bad, SECRET);
      expect(refused.status, JSON.stringify(refused.body)).to.equal(422);
      expect(JSON.stringify(refused.body)).to.contain('policy.sumPremium: must be a whole number of fen');
      expect((await system!.push(url, { polNo: polNo(3) }, SECRET)).status).to.equal(400); // no eventNo
      expect((await system!.push(url, cancelled, 'wrong-secret')).status).to.equal(401);

      const records = (await harness!.client.readToEnd(TOPIC)).filter((r) => r.key?.toString().startsWith(polNo(0).slice(0, 14)));
      expect(records.map((r) => r.key!.toString())).to.deep.equal([polNo(1)]);
      const value = (await harness!.serde.decode(records[0]!.value)).value as { status: string; meta: { eventType: string } };
      expect(value.status).to.equal('CANCELLED');
      expect(value.meta.eventType).to.equal('PolicyCancelled');
    });
  });
});
