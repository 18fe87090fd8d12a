import { expect } from 'chai';
import type { ConnectorContext, DeliveryOutcome, SinkRecord } from '../../../../src/connect/sdk/connector-definition.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { createConnectorHttpClient } from '../../../../src/connect/runtime/connector-http-client.js';
import { sampleGoldenCustomer } from '../../../../test/fixtures/sample-records.js';
import { seededCrmCustomers, startCrmSimulator, type CrmSimulator } from '../../../../src/demo/crm-simulator.js';
import goldenSink from '../../golden-sink.js';

const TOKEN = 'crm-token-unit';
const signal = new AbortController().signal;
const context: ConnectorContext = {
  instance: 'crm-golden-unit',
  logger: createLogger({ level: 'error' }),
  http: createConnectorHttpClient,
};

function golden(goldenId: string, crmMembers: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const members = [
    ...crmMembers.map((systemId) => ({ system: 'crm', systemId, matchedOn: 'residentId', confidence: 1 })),
    { system: 'erp', systemId: 'ERP-000042', matchedOn: 'systemRef', confidence: 1 },
  ];
  return { ...sampleGoldenCustomer(), goldenId, members, ...extra };
}

function record(value: Record<string, unknown>, offset: number): SinkRecord {
  return {
    topic: 'customer.golden.v1',
    partition: 0,
    offset: String(offset),
    key: String(value.goldenId),
    value,
    schemaName: 'crmhub.customer.GoldenCustomer',
    headers: { 'correlation-id': `corr-${offset}` },
  };
}

const errorOf = (outcome: DeliveryOutcome | undefined): HubError => {
  if (!outcome || outcome.ok) expect.fail(`expected a failed outcome, got ${JSON.stringify(outcome)}`);
  expect(outcome.error).to.be.instanceOf(HubError);
  return outcome.error as HubError;
};

describe('crm-golden sink against the CRM simulator', () => {
  const [a, b] = seededCrmCustomers(2).map((crm) => String(crm.custNo));
  let crm: CrmSimulator;

  beforeEach(async () => {
    crm = await startCrmSimulator({ bearerToken: TOKEN, customers: seededCrmCustomers(2) });
  });
  afterEach(() => crm.close());

  const sink = () => goldenSink.create({ baseUrl: crm.url, bearerToken: TOKEN, timeoutMs: 2000 }, context);

  it('PUTs the golden view to every CRM member, and makes no call for a record without one', async () => {
    const outcomes = await (await sink()).deliver([record(golden('g-two', [a!, b!]), 7), record(golden('g-none', []), 8)], signal);
    expect(outcomes).to.deep.equal([{ ok: true }, { ok: true }]);
    expect(crm.goldenRecords().map((stored) => [stored.custNo, stored.goldenId])).to.have.deep.members([
      [a, 'g-two'],
      [b, 'g-two'],
    ]);
    // Two members, each checked (GET) and written (PUT) by the CRM's front: nothing for g-none.
    expect(crm.backOffice.stats().total).to.equal(4);
  });

  it('writes a MERGED record to its CRM member as a move to the survivor', async () => {
    const merged = golden('g-old', [a!], { status: 'MERGED', mergedIntoGoldenId: 'g-new' });
    expect(await (await sink()).deliver([record(merged, 3)], signal)).to.deep.equal([{ ok: true }]);
    expect(crm.goldenRecords()[0]).to.deep.include({ custNo: a, goldenId: 'g-new', mergedFromGoldenId: 'g-old' });
  });

  it('dead-letters a MERGED record that names no survivor, without calling the CRM', async () => {
    const merged = golden('g-old', [a!], { status: 'MERGED', mergedIntoGoldenId: null });
    const error = errorOf((await (await sink()).deliver([record(merged, 4)], signal))[0]);
    expect(error).to.deep.include({ code: 'GOLDEN_SURVIVOR_MISSING', retriable: false });
    expect(crm.backOffice.stats().total).to.equal(0);
  });

  it('fails a record when one member fails, preferring a retriable failure to a 404 so that a retry can still write all', async () => {
    const delivered = await (await sink()).deliver([record(golden('g-404', [a!, 'C-UNKNOWN']), 5)], signal);
    expect(errorOf(delivered[0])).to.deep.include({ code: 'HTTP_404', retriable: false });
    expect(errorOf(delivered[0]).message).to.contain('PUT /api/customers/C-UNKNOWN/golden-record');

    crm.backOffice.failNext(1, 503, { path: `/api/customers/${b!}` });
    const mixed = await (await sink()).deliver([record(golden('g-mixed', ['C-UNKNOWN', b!]), 6)], signal);
    expect(errorOf(mixed[0])).to.deep.include({ code: 'HTTP_503', retriable: true });
  });

  it('sends the same Idempotency-Key on a retry, so the CRM applies a member once', async () => {
    const value = golden('g-retry', [a!, b!]);
    crm.backOffice.failNext(1, 503, { path: `/api/customers/${b!}` });
    const connector = await sink();
    expect((await connector.deliver([record(value, 9)], signal))[0]?.ok).to.equal(false);
    expect(await connector.deliver([record(value, 9)], signal)).to.deep.equal([{ ok: true }]);
    expect(crm.goldenRecordWrites().map((write) => write.custNo)).to.have.members([a, b]);
  });

  it('is refused with 401 (not retriable) for a wrong token', async () => {
    const connector = await goldenSink.create({ baseUrl: crm.url, bearerToken: 'wrong', timeoutMs: 2000 }, context);
    expect(errorOf((await connector.deliver([record(golden('g-auth', [a!]), 1)], signal))[0])).to.deep.include({
      code: 'HTTP_401',
      retriable: false,
    });
    expect(crm.goldenRecords()).to.deep.equal([]);
  });
});

describe('CRM simulator golden-record endpoint', () => {
  let crm: CrmSimulator;
  const [known] = seededCrmCustomers(1);

  before(async () => {
    crm = await startCrmSimulator({ bearerToken: TOKEN, customers: [known!] });
  });
  after(() => crm.close());

  const put = (custNo: string, body: unknown): Promise<Response> =>
    fetch(`${crm.url}/api/customers/${custNo}/golden-record`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses a body without goldenId with 400 and the field errors, and an unknown customer with 404', async () => {
    const invalid = await put(String(known!.custNo), { name: '张伟', xrefs: [{ system: 'erp' }] });
    expect(invalid.status).to.equal(400);
    expect(((await invalid.json()) as { error: { details: string[] } }).error.details).to.deep.equal([
      'goldenId: is required',
      'xrefs: must be a list of { system, id }',
    ]);
    const unknown = await put('C-NOBODY', { goldenId: 'g-1' });
    expect(unknown.status).to.equal(404);
    expect(crm.goldenRecordWrites()).to.deep.equal([]);
  });

  it('stores the last golden record of a customer under its custNo', async () => {
    expect((await put(String(known!.custNo), { goldenId: 'g-1' })).status).to.equal(200);
    expect((await put(String(known!.custNo), { goldenId: 'g-2' })).status).to.equal(200);
    expect(crm.goldenRecords().map((stored) => [stored.custNo, stored.goldenId])).to.deep.equal([[known!.custNo, 'g-2']]);
    expect(crm.goldenRecordWrites()).to.have.length(2);
  });
});
