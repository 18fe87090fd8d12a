import { expect } from 'chai';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { sampleErpCustomer, samplePolicy } from '../../../../test/fixtures/sample-records.js';
import { uniqueName } from '../../../../test/integration/infrastructure.js';
import type { BackOfficeSimulator } from '../../../../src/demo/back-office-simulator.js';
import { startErpSimulator } from '../../../../src/demo/erp-simulator.js';
import { instanceConfig, readUntil, startRuntime, waitFor, type RuntimeHarness } from '../../../../test/support/runtime-harness.js';

const TOKEN = 'erp-token-2c9d';

describe('erp sink on the real broker against the ERP simulator', function () {
  this.timeout(120_000);
  let erp: BackOfficeSimulator;
  let harness: RuntimeHarness | undefined;

  beforeEach(async () => {
    erp = await startErpSimulator({ auth: { bearerToken: TOKEN } });
  });
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await erp.close();
  });

  async function produce(topic: string, schema: string, records: { key: string; value: Record<string, unknown> }[]): Promise<void> {
    const h = harness!;
    const producer = await h.client.producer();
    const encoded = await Promise.all(
      records.map(async (r) => ({
        key: r.key,
        value: await h.serde.encode(valueSubject(topic), h.schemas.registrySchema(schema), r.value),
        headers: {},
      })),
    );
    await producer.send(topic, encoded);
    await producer.disconnect();
  }

  it('creates and updates customers through 503s, brings back decodable cross-references, posts premiums once, and dead-letters a 422', async () => {
    const customerTopic = uniqueName('it.erp.customers');
    const policyTopic = uniqueName('it.erp.policies');
    const prefix = uniqueName('C');
    const instance = instanceConfig({
      connector: 'erp',
      topics: [customerTopic, policyTopic],
      retry: { attempts: 10, initialDelayMs: 50, maxDelayMs: 300, multiplier: 2 },
      config: {
        baseUrl: erp.url,
        companyCode: '3100',
        bearerToken: TOKEN,
        timeoutMs: 2000,
        customersPath: '/api/customers',
        postings: {
          path: '/api/postings',
          events: ['PolicyIssued', 'PolicyRenewed'],
          receivableAccount: '1122000000',
          premiumIncomeAccount: '6031000000',
          documentType: 'DR',
        },
      },
    });
    harness = await startRuntime([instance]);
    erp.failNext(4, 503, { path: /^\/api\/customers/ });

    const customer = (i: number, extra: Record<string, unknown> = {}) => {
      const base = sampleErpCustomer();
      return {
        key: `${prefix}-${i}`,
        value: {
          ...base,
          meta: { ...(base.meta as object), eventId: `${prefix}-ev-${i}-${String(extra.name ?? '')}` },
          erpCustomerId: `${prefix}-${i}`,
          ...extra,
        },
      };
    };
    // Customer 0 twice (create, then update), customer 1 once, customer 2 without a tax number (422), plus a seeded ERP customer.
    const seeded = { ...sampleErpCustomer(), erpCustomerId: 'C110100000001' };
    await produce(customerTopic, 'ErpCustomer', [
      customer(0),
      customer(1),
      customer(2, { taxId: '' }),
      customer(0, { name: '张伟（更新）' }),
      { key: 'C110100000001', value: seeded },
    ]);
    const policy = (eventType: string) => ({
      key: `${prefix}-P`,
      value: { ...samplePolicy(), policyNumber: `${prefix}-P`, meta: { ...(samplePolicy().meta as object), eventType } },
    });
    await produce(policyTopic, 'Policy', [policy('PolicyIssued'), policy('PolicyIssued'), policy('PolicyCancelled')]);

    await waitFor(
      () =>
        erp.records('customers').some((c) => c.ZZCRMID === `${prefix}-0` && c.NAME1 === '张伟（更新）') &&
        erp.records('customers').some((c) => c.ZZCRMID === `${prefix}-1`),
      30_000,
      'customer 1 and the update of customer 0',
    );
    await waitFor(() => erp.records('postings').length === 1, 30_000, 'one premium posting');

    const customers = erp.records('customers').filter((c) => String(c.ZZCRMID).startsWith(prefix));
    expect(customers.map((c) => c.ZZCRMID).sort()).to.deep.equal([`${prefix}-0`, `${prefix}-1`]);
    expect(customers[0]).to.include({ BUKRS: '3100', KTOKD: 'Z001', STCDT: 'RESIDENT_ID' });
    const [posting] = erp.records('postings');
    expect(posting).to.deep.include({ BUKRS: '3100', XBLNR: `${prefix}-P/PolicyIssued/${String(samplePolicy().effectiveDate)}` });
    expect((posting!.ITEMS as Record<string, unknown>[]).map((item) => [item.HKONT, item.SHKZG, item.WRBTR])).to.deep.equal([
      ['1122000000', 'S', (samplePolicy().premium as { amount: string }).amount],
      ['6031000000', 'H', (samplePolicy().premium as { amount: string }).amount],
    ]);

    // Cross-references: one per delivered customer record, with the ERP's own number; the same number on create and update.
    const xrefs = await readUntil(
      harness.client,
      'erp.customer-xref.v1',
      (records) => records.filter((r) => r.key?.toString().startsWith(prefix)).length >= 3,
    );
    const mine = await Promise.all(
      xrefs
        .filter((r) => r.key?.toString().startsWith(prefix))
        .map(async (r) => (await harness!.serde.decode(r.value)).value as Record<string, unknown>),
    );
    expect(mine).to.have.length(3);
    const ids = new Map(mine.map((x) => [x.customerId, x.erpCustomerId]));
    expect([...ids.keys()].sort()).to.deep.equal([`${prefix}-0`, `${prefix}-1`]);
    for (const x of mine)
      expect(x)
        .to.include({ erpCompany: '3100' })
        .and.to.have.property('erpCustomerId')
        .that.matches(/^ERP-\d{6}$/);
    expect(new Set(mine.filter((x) => x.customerId === `${prefix}-0`).map((x) => x.erpCustomerId)).size).to.equal(1);

    const [letter] = await readUntil(harness.client, instance.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.key!.toString()).to.equal(`${prefix}-2`);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('HTTP_422');
    expect(letter!.headers[DEAD_LETTER_HEADER.errorMessage]).to.match(/STCD1/);
    expect(erp.stats().byStatus[503]).to.equal(4);
  });
});
