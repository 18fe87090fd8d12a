import { expect } from 'chai';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { sampleGoldenCustomer } from '../../../../test/fixtures/sample-records.js';
import { infrastructure, uniqueName } from '../../../../test/integration/infrastructure.js';
import { instanceConfig, readUntil, startRuntime, waitFor, type RuntimeHarness } from '../../../../test/support/runtime-harness.js';
import { seededCrmCustomers, startCrmSimulator, type CrmSimulator } from '../../../../src/demo/crm-simulator.js';

const TOKEN = 'crm-token-3e8b';

describe('crm-golden sink on the real broker against the CRM simulator', function () {
  this.timeout(120_000);
  let crm: CrmSimulator | undefined;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await crm?.close();
    crm = undefined;
  });

  const member = (system: string, systemId: string): Record<string, unknown> => ({
    system,
    systemId,
    matchedOn: system === 'crm' ? 'residentId' : 'systemRef',
    confidence: 1,
  });
  const golden = (goldenId: string, members: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const sample = sampleGoldenCustomer();
    return {
      ...sample,
      meta: { ...(sample.meta as Record<string, unknown>), eventId: `e-${goldenId}`, correlationId: `corr-${goldenId}` },
      goldenId,
      members,
      ...extra,
    };
  };

  async function produceGolden(topic: string, values: Record<string, unknown>[]): Promise<void> {
    const admin = await new KafkajsClient({ brokers: infrastructure().kafka.brokers }).admin();
    await admin.ensureTopics([{ topic, partitions: 1 }]);
    await admin.disconnect();
    const schema = harness!.schemas.registrySchema('GoldenCustomer');
    const producer = await harness!.client.producer();
    const records = await Promise.all(
      values.map(async (value) => ({
        key: String(value.goldenId),
        value: await harness!.serde.encode(valueSubject(topic), schema, value),
        headers: {},
      })),
    );
    await producer.send(topic, records);
    await producer.disconnect();
  }

  it('writes golden views to every CRM member through 503s, moves a merged one, skips one without CRM members and dead-letters an unknown customer', async () => {
    const prefix = uniqueName('CRG');
    const seed = seededCrmCustomers(4).map((customer): Record<string, unknown> => ({
      ...customer,
      custNo: `${prefix}-${String(customer.custNo)}`,
    }));
    const [single, pairA, pairB, mergedAway] = seed.map((customer) => String(customer.custNo)) as [string, string, string, string];
    crm = await startCrmSimulator({ bearerToken: TOKEN, customers: seed });
    crm.backOffice.failNext(2, 503, { path: `/api/customers/${single}`, retryAfterSeconds: 0 });

    const topic = uniqueName('it.customer.golden');
    // Found through connectors/crm-golden, as the hub finds it.
    const instance = instanceConfig({
      connector: 'crm-golden',
      topics: [topic],
      config: { baseUrl: crm.url, bearerToken: TOKEN, timeoutMs: 2000 },
    });
    harness = await startRuntime([instance]);
    const ids = {
      single: `${prefix}-g-single`,
      pair: `${prefix}-g-pair`,
      merged: `${prefix}-g-merged`,
      none: `${prefix}-g-none`,
      unknown: `${prefix}-g-unknown`,
    };
    await produceGolden(topic, [
      golden(ids.single, [member('crm', single), member('policy-admin', 'PDAA202644030000012345'), member('erp', 'ERP-000042')]),
      golden(ids.pair, [member('crm', pairA), member('claims', 'CLM2026000123'), member('crm', pairB)], { fullName: seed[1]!.name }),
      golden(ids.merged, [member('crm', mergedAway)], { status: 'MERGED', mergedIntoGoldenId: ids.single }),
      golden(ids.none, [member('service-desk', 'SR20261123000219'), member('erp', 'ERP-000043')]),
      golden(ids.unknown, [member('crm', `${prefix}-C-NOBODY`)]),
    ]);

    await waitFor(() => harness!.runtime.status(instance.name).counters.recordsOut >= 4, 40_000, 'the four delivered golden records');
    const stored = new Map(crm.goldenRecords().map((record) => [String(record.custNo), record]));
    expect([...stored.keys()]).to.have.members([single, pairA, pairB, mergedAway]);
    expect(stored.get(single)).to.deep.include({
      goldenId: ids.single,
      mergedFromGoldenId: null,
      name: '张伟',
      certType: '01',
      birthday: '19850312',
      sex: '1',
      policyNos: ['PDAA202644030000012345'],
      sourceEventId: `e-${ids.single}`,
    });
    expect(stored.get(single)!.xrefs).to.deep.equal([
      { system: 'policy-admin', id: 'PDAA202644030000012345' },
      { system: 'erp', id: 'ERP-000042' },
    ]);
    expect(stored.get(pairA)).to.deep.include({ goldenId: ids.pair, name: seed[1]!.name });
    expect(stored.get(pairA)!.xrefs).to.deep.equal([
      { system: 'claims', id: 'CLM2026000123' },
      { system: 'crm', id: pairB },
    ]);
    expect(stored.get(pairB)!.xrefs).to.deep.equal([
      { system: 'crm', id: pairA },
      { system: 'claims', id: 'CLM2026000123' },
    ]);
    expect(stored.get(mergedAway)).to.deep.include({ goldenId: ids.single, mergedFromGoldenId: ids.merged });
    // The 503s were answered to the customer check of `single`, before anything was stored: one write each.
    expect(crm.backOffice.stats().byStatus[503]).to.equal(2);
    expect(crm.goldenRecordWrites()).to.have.length(4);
    // Each member costs the CRM a check and a write, the unknown one a check: none for g-none.
    expect(crm.backOffice.stats().total).to.equal(2 + 4 * 2 + 1);

    const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.key!.toString()).to.equal(ids.unknown);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('HTTP_404');
    expect(letter!.headers[DEAD_LETTER_HEADER.attempts]).to.equal('1');
    expect(letter!.headers[DEAD_LETTER_HEADER.retriable]).to.equal('false');
    expect(letter!.headers[DEAD_LETTER_HEADER.originalTopic]).to.equal(topic);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorMessage]).to.contain(`PUT /api/customers/${prefix}-C-NOBODY/golden-record`);
    expect(harness.runtime.status(instance.name).counters).to.deep.include({ recordsIn: 5, recordsOut: 4, deadLettered: 1 });
  });
});
