import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import axios from 'axios';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { customerRoutes } from '../../../../src/interfaces/api/customer-routes.js';
import { PersonalDataView } from '../../../../src/interfaces/api/personal-data-view.js';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { registerCanonicalSchemas, valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { CustomerView } from '../../../../src/domain/customer-view/customer-view.js';
import { defaultCustomerViewSettings } from '../../../../src/domain/customer-view/customer-view-settings.js';
import type { HubProducer, IncomingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';
import { sampleClaim, sampleCustomer, sampleCustomerXref, samplePolicy, sampleServiceRequest } from '../../../fixtures/sample-records.js';
import { cleanEnv, runCli } from '../../../support/cli-process.js';
import { readUntil, waitFor } from '../../../support/runtime-harness.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

type Row = Record<string, unknown>;

/** 15-digit form of an 18-digit resident ID number of the 1900s: century and check character dropped. */
function oldForm(id18: string): string {
  return id18.slice(0, 6) + id18.slice(8, 17);
}

// Identifiers unique to this run: the canonical topics are shared with the rest of the suite.
const run = Math.floor(Math.random() * 9_000_000) + 1_000_000;
const at = (day: string, time = '09:00:00') => `${day}T${time}.000Z`;
const meta = (eventType: string, sourceSystem: string, occurredAt: string) => ({
  eventId: randomUUID(),
  eventType,
  sourceSystem,
  occurredAt,
  correlationId: `corr-${randomUUID()}`,
});

let phones = 0;
/** A mobile number of this run that no other test uses (at most 9). */
const newMobile = (): string => {
  const n = ++phones;
  return `13${String(run).slice(0, 7)}${n}${n}`.slice(0, 11);
};

interface Person {
  name: string;
  id: string;
  mobile: string;
  crm: string;
  policy: string;
  claim: string;
  ticket: string;
  erp: string;
  plate: string;
}

let people = 0;
/** A person of this run: each test makes its own, so that no test builds on another's records (at most 9). */
function newPerson(name: string, sex: 'male' | 'female', area = '440305'): Person {
  const n = ++people;
  const birthDate = `19${String(60 + (run % 30))}-03-${String(10 + n)}`;
  return {
    name,
    // The sequence's parity is the sex (odd for men).
    id: residentIdNumber(area, birthDate, 100 + (run % 400) * 2 + (sex === 'male' ? 1 : 0)),
    mobile: newMobile(),
    crm: `C${run}0${n}`,
    policy: `PDAA2026${run}000${n}`,
    claim: `RDAA2026${run}000${n}`,
    ticket: `SR2026${run}0${n}`,
    erp: `ERP-${run}-${n}`,
    plate: `粤B${String(run).slice(-4)}${'ABCDEFGHJK'[n]}`,
  };
}

describe('single customer view on the real broker', function () {
  this.timeout(240_000);
  const client = () => new KafkajsClient({ brokers: infrastructure().kafka.brokers });
  let serde: AvroSerde;
  let catalog: SchemaCatalog;
  let producer: HubProducer;
  let view: CustomerView | undefined;
  const prefix = uniqueName('cv');
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });

  async function produce(topic: string, value: Row): Promise<void> {
    const info = catalog.topicInfo(topic);
    const bytes = await serde.encode(valueSubject(topic), catalog.registrySchema(info.record), value);
    const key = info.keyFields.map((field) => String(value[field])).join('@');
    await producer.send(topic, [{ key, value: bytes, headers: { 'correlation-id': String((value.meta as Row).correlationId) } }]);
  }

  function customer(customerId: string, idNumber: string, phone: string, name: string, occurredAt: string): Row {
    const base = sampleCustomer();
    return {
      ...base,
      meta: meta('CustomerUpdated', 'crm', occurredAt),
      customerId,
      fullName: name,
      idNumber,
      birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      gender: Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
      phones: [{ type: 'MOBILE', number: phone, primary: true }],
      email: null,
    };
  }

  function policy(
    policyNumber: string,
    holder: { customerId: string | null; name: string; idNumber: string },
    occurredAt: string,
    extra: Row = {},
  ): Row {
    const base = samplePolicy();
    const party = { customerId: holder.customerId, name: holder.name, idType: 'RESIDENT_ID', idNumber: holder.idNumber };
    return { ...base, meta: meta('PolicyIssued', 'core-policy', occurredAt), policyNumber, holder: party, insured: [party], ...extra };
  }

  /** The person's CRM record, with `mobile` (default theirs) as primary phone. */
  function produceCustomer(person: Person, occurredAt: string, mobile = person.mobile): Promise<void> {
    return produce('crm.customer.v1', customer(person.crm, person.id, mobile, person.name, occurredAt));
  }

  /** A motor policy of the person (found by ID number only), 3,650.00 a year, in force through 2026. */
  function producePolicy(person: Person): Promise<void> {
    return produce(
      'policy.policy.v1',
      policy(person.policy, { customerId: null, name: person.name.split('').join(' '), idNumber: person.id }, at('2026-03-02'), {
        vehicle: { ...(samplePolicy().vehicle as Row), plate: person.plate },
        premium: { amount: '3650.00', currency: 'CNY' },
        effectiveDate: '2026-01-01',
        expiryDate: '2026-12-31',
      }),
    );
  }

  /** A claim of 2,900.00 paid on the person's policy, found by plate only. */
  function producePaidClaim(person: Person): Promise<void> {
    return produce('claims.claim.v1', {
      ...sampleClaim(),
      meta: meta('ClaimPaid', 'claims', at('2026-07-01')),
      claimNumber: person.claim,
      policyNumber: person.policy,
      claimantCustomerId: null,
      vehiclePlate: person.plate,
      status: 'PAID',
      reserve: { amount: '0.00', currency: 'CNY' },
      paid: { amount: '2900.00', currency: 'CNY' },
    });
  }

  /** A service ticket the person opened by phone, found by phone only. */
  function produceTicket(person: Person, occurredAt: string): Promise<void> {
    return produce('service.request.v1', {
      ...sampleServiceRequest(),
      meta: meta('ServiceRequestOpened', 'call-centre', occurredAt),
      ticketNumber: person.ticket,
      customerId: null,
      callerName: person.name,
      callerPhone: `+86 ${person.mobile}`,
    });
  }

  /** Waits for the person's golden customer to hold `members` members; its golden id. */
  async function goldenOf(person: Person, members: number): Promise<string> {
    await waitFor(
      () => (view!.directory.lookup(person.id)[0]?.crossReferences.length ?? 0) >= members,
      60_000,
      `${members} members under one golden customer`,
    );
    return String(view!.directory.lookup(person.id)[0]!.golden.goldenId);
  }

  /** Reads a topic from the start, decoded, until `done` holds for what was read. */
  async function readDecodedUntil(topic: string, done: (rows: Row[]) => boolean): Promise<Row[]> {
    const rows: Row[] = [];
    let decoded = 0;
    await readUntil(
      client(),
      topic,
      (seen: IncomingRecord[]) => {
        // readUntil's predicate is synchronous: decode with the types the serde already resolved.
        for (; decoded < seen.length; decoded++) rows.push(decodeKnown(seen[decoded]!));
        return done(rows);
      },
      60_000,
    );
    return rows;
  }

  function decodeKnown(record: IncomingRecord): Row {
    try {
      const info = catalog.topicInfo(record.topic);
      return JSON.parse(JSON.stringify(catalog.type(info.record).fromBuffer(record.value!.subarray(5)))) as Row;
    } catch {
      return {}; // another test's record in another shape: not what this test looks for
    }
  }

  async function startView(): Promise<CustomerView> {
    const settings = defaultCustomerViewSettings();
    settings.renewals.schedule = '0 0 0 1 1 *'; // once a year: the test runs the job itself
    const started = new CustomerView(
      settings,
      { client: client(), producer, serde, schemas: catalog, logger },
      { prefix, restartDelayMs: 500 },
    );
    await started.start();
    return started;
  }

  before(async () => {
    catalog = await SchemaCatalog.load();
    const registry = new SchemaRegistryClient(infrastructure().registry.url);
    serde = new AvroSerde(registry);
    const admin = await client().admin();
    await registerCanonicalSchemas(catalog, admin, registry).finally(() => admin.disconnect());
    producer = await client().producer();
    view = await startView();
  });

  after(async () => {
    await view?.stop();
    await producer?.disconnect();
  });

  it("resolves five systems' records of one person into one golden customer, found by any identifier", async () => {
    const a = newPerson('张伟', 'male');
    await produceCustomer(a, at('2026-03-01'));
    await producePolicy(a);
    await producePaidClaim(a);
    await produceTicket(a, at('2026-07-02'));
    await produce('erp.customer-xref.v1', {
      ...sampleCustomerXref(),
      meta: meta('ErpCustomerLinked', 'erp', at('2026-07-03')),
      customerId: a.crm,
      erpCustomerId: a.erp,
    });

    const goldenId = await goldenOf(a, 5);
    const [profile] = view!.directory.lookup(a.id);
    expect(profile!.crossReferences.map((ref) => ref.system).sort()).to.deep.equal([
      'claims',
      'crm',
      'erp',
      'policy-admin',
      'service-desk',
    ]);
    for (const identifier of [
      a.mobile,
      `+86${a.mobile}`,
      oldForm(a.id),
      a.plate,
      a.policy,
      `crm:${a.crm}`,
      a.crm,
      a.erp,
      a.ticket,
      a.claim,
      goldenId,
    ]) {
      const found = view!.directory.lookup(identifier);
      expect(
        found.map((match) => match.golden.goldenId),
        identifier,
      ).to.deep.equal([goldenId]);
    }
    expect(profile!.golden.fullName).to.equal('张伟');
    expect(profile!.recentEvents.length).to.be.within(5, 10);
  });

  it('quarantines a record with an invalid identifier, with the reason and without the value', async () => {
    const badClaim = `RDAA2026${run}0099`;
    await produce('claims.claim.v1', {
      ...sampleClaim(),
      meta: meta('ClaimReported', 'claims', at('2026-07-04')),
      claimNumber: badClaim,
      policyNumber: `PDAA2026${run}0099`,
      claimantCustomerId: null,
      vehiclePlate: 'XX-123',
    });
    const records = await readDecodedUntil('customer.identity-quarantine.v1', (rows) => rows.some((row) => row.systemId === badClaim));
    const quarantined = records.find((record) => record.systemId === badClaim)!;
    expect(quarantined.sourceTopic).to.equal('claims.claim.v1');
    expect((quarantined.problems as Row[])[0]).to.include({ field: 'vehiclePlate', identifierKind: 'plate' });
    expect(JSON.stringify(quarantined)).not.to.contain('XX-123');
    expect(view!.directory.lookup(badClaim)).to.deep.equal([]);
  });

  it('computes the loss ratio, flags the CRM customer and publishes the value segment', async () => {
    const c = newPerson('李娜', 'female');
    await produceCustomer(c, at('2026-03-01'));
    await producePolicy(c);
    await producePaidClaim(c);
    const goldenId = await goldenOf(c, 3);
    await waitFor(() => view!.directory.profile(goldenId)?.risk?.level === 'HIGH', 60_000, 'risk HIGH');
    const risk = view!.directory.profile(goldenId)!.risk!;
    // 2,900.00 paid is more than the premium earned by any day of these events: 182 of 365 days of 3,650.00 = 1,820.00 by the claim's.
    expect(JSON.parse(JSON.stringify(risk.claimsPaid))).to.deep.equal({ amount: '2900.00', currency: 'CNY' });
    expect(risk.lossRatio).to.be.greaterThan(1);
    const flags = await readDecodedUntil('crm.customer-flag.v1', (rows) =>
      rows.some((row) => row.customerId === c.crm && row.flagType === 'HIGH_LOSS_RATIO'),
    );
    const flag = flags.find((record) => record.customerId === c.crm && record.flagType === 'HIGH_LOSS_RATIO')!;
    expect(flag.severity).to.equal('CRITICAL');
    expect(flag.reason).to.contain(c.policy);
    // One policy of 3,650.00 a year in force, claims above the premium earned: BRONZE (SILVER needs 5,000 or two product lines).
    await waitFor(() => view!.directory.profile(goldenId)?.segment?.segment === 'BRONZE', 30_000, 'the value segment BRONZE');
  });

  it('merges two golden customers when a record links them, redirects the old id, and unmerges on request', async () => {
    const b = newPerson('王秀英', 'female', '310115');
    await produceTicket(b, at('2026-08-01'));
    await produce(
      'policy.policy.v1',
      policy(b.policy, { customerId: null, name: b.name, idNumber: b.id }, at('2026-08-02'), { vehicle: null, productLine: 'HEALTH' }),
    );
    await waitFor(
      () => view!.directory.lookup(b.ticket).length === 1 && view!.directory.lookup(b.policy).length === 1,
      60_000,
      'two golden customers of B',
    );
    const ticketGolden = String(view!.directory.lookup(b.ticket)[0]!.golden.goldenId);
    const policyGolden = String(view!.directory.lookup(b.policy)[0]!.golden.goldenId);
    expect(ticketGolden).not.to.equal(policyGolden);

    await produceCustomer(b, at('2026-08-03'));
    await waitFor(
      () => view!.directory.lookup(b.ticket)[0]?.golden.goldenId === view!.directory.lookup(b.policy)[0]?.golden.goldenId,
      60_000,
      'B merged',
    );
    const merged = view!.directory.lookup(b.crm)[0]!;
    const survivor = String(merged.golden.goldenId);
    const loser = survivor === ticketGolden ? policyGolden : ticketGolden;
    expect(view!.directory.profile(loser)!.mergedFrom).to.deep.equal([loser]);
    await readDecodedUntil('customer.identity-event.v1', (rows) =>
      rows.some((event) => event.eventType === 'MERGED' && event.goldenId === survivor && event.otherGoldenId === loser),
    );

    await view!.requestUnmerge('service-desk', b.ticket);
    await waitFor(() => view!.directory.lookup(b.ticket)[0]?.golden.goldenId !== survivor, 60_000, 'ticket B split off');
    await readDecodedUntil('customer.identity-event.v1', (rows) =>
      rows.some((event) => event.eventType === 'UNMERGED' && event.memberSystemId === b.ticket),
    );
    expect(view!.directory.lookup(b.policy)[0]!.golden.goldenId).to.equal(survivor);
  });

  it('picks its state up again after a restart: the same golden ids, no new customer for a known person', async () => {
    const d = newPerson('赵磊', 'male');
    await produceCustomer(d, at('2026-09-01'));
    await producePolicy(d);
    const before = await goldenOf(d, 2);
    await view!.stop();
    view = await startView();
    const newPhone = newMobile();
    await produceCustomer(d, at('2026-09-02'), newPhone);
    await waitFor(() => view!.directory.lookup(newPhone).length === 1, 60_000, 'the new phone of D');
    expect(view.directory.lookup(newPhone)[0]!.golden.goldenId).to.equal(before);
    expect(view.directory.lookup(d.id).map((match) => match.golden.goldenId)).to.deep.equal([before]);
  });

  it('lists renewals with contact and segment, publishes them with RENEWAL_DUE flags, and serves the API and CLI', async () => {
    const e = newPerson('张伟', 'male');
    await produceCustomer(e, at('2026-03-01'));
    await producePolicy(e);
    await goldenOf(e, 2);
    await waitFor(
      () => view!.status().policies > 0 && view!.renewalList('2026-11-15', 60).rows.some((row) => row.policyNumber === e.policy),
      30_000,
      'policy A in the renewal window',
    );
    const list = view!.renewalList('2026-11-15', 60);
    const row = list.rows.find((candidate) => candidate.policyNumber === e.policy)!;
    expect(row).to.include({ daysToExpiry: 46, holderName: '张伟', mobile: e.mobile });
    expect(row.goldenId).to.equal(view!.directory.lookup(e.id)[0]!.golden.goldenId);

    await waitFor(() => view!.status().processors.every((processor) => processor.state === 'active'), 30_000, 'processors active');
    const ran = await view!.runRenewalsNow('2026-11-15');
    expect(ran.candidates).to.be.greaterThan(0);
    const candidates = await readDecodedUntil('policy.renewal-candidate.v1', (rows) =>
      rows.some((candidate) => candidate.policyNumber === e.policy),
    );
    expect(candidates.find((candidate) => candidate.policyNumber === e.policy)).to.include({
      goldenId: row.goldenId,
      daysToExpiry: 46,
      contactPhone: e.mobile,
    });
    await readDecodedUntil('crm.customer-flag.v1', (rows) =>
      rows.some((flag) => flag.customerId === e.crm && flag.flagType === 'RENEWAL_DUE' && flag.policyNumber === e.policy),
    );

    const viewerToken = `viewer-${randomUUID()}`;
    const operatorToken = `operator-${randomUUID()}`;
    const app = express();
    const tokens = new ApiTokens([
      { name: 'dashboard', role: 'viewer', sha256: sha256Hex(viewerToken) },
      { name: 'agent', role: 'operator', sha256: sha256Hex(operatorToken) },
    ]);
    app.use(apiRouter(customerRoutes(view!, new PersonalDataView(catalog)), { tokens, openPaths: new Set() }, logger));
    const server = http.createServer(app).listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = { Authorization: `Bearer ${viewerToken}` };
    try {
      expect((await axios.get(`${base}/api/customers/lookup`, { params: { q: e.plate }, validateStatus: () => true })).status).to.equal(
        401,
      );
      const unmerge = await axios.post(
        `${base}/api/customers/unmerge`,
        { system: 'crm', systemId: e.crm },
        { headers: auth, validateStatus: () => true },
      );
      expect(unmerge.status, 'a viewer may not unmerge').to.equal(403);
      const found = await axios.get(`${base}/api/customers/lookup`, { params: { q: e.plate }, headers: auth });
      expect(found.data.matches[0].golden.goldenId).to.equal(row.goldenId);
      // A viewer sees personal data masked as logs show it; an operator (the call centre) sees it whole.
      const seenByViewer = JSON.stringify(found.data);
      for (const personal of [e.id, e.mobile, '张伟']) expect(seenByViewer, 'masked for a viewer').to.not.contain(personal);
      expect(found.data.matches[0].golden.mobile).to.equal(`${e.mobile.slice(0, 3)}****${e.mobile.slice(-4)}`);
      const whole = await axios.get(`${base}/api/customers/lookup`, {
        params: { q: e.plate },
        headers: { Authorization: `Bearer ${operatorToken}` },
      });
      expect(whole.data.matches[0].golden).to.include({ mobile: e.mobile, fullName: '张伟' });
      const profile = await axios.get(`${base}/api/customers/${String(row.goldenId)}`, { headers: auth });
      expect(JSON.stringify(profile.data)).to.not.contain(e.mobile);
      const missing = await axios.get(`${base}/api/customers/lookup`, {
        params: { q: '11010519491231002X' },
        headers: auth,
        validateStatus: () => true,
      });
      expect(missing.status).to.equal(404);
      expect(missing.data.error.code).to.equal('CUSTOMER_NOT_FOUND');
      const csv = await axios.get(`${base}/api/renewals`, {
        params: { asOf: '2026-11-15', withinDays: 60, format: 'csv' },
        headers: auth,
        responseType: 'text',
      });
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      expect(csv.data).to.contain(e.policy).and.not.contain(e.mobile);
      const wholeCsv = await axios.get(`${base}/api/renewals`, {
        params: { asOf: '2026-11-15', withinDays: 60, format: 'csv' },
        headers: { Authorization: `Bearer ${operatorToken}` },
        responseType: 'text',
      });
      expect(wholeCsv.data).to.contain(e.mobile).and.contain('张伟');
      const bad = await axios.get(`${base}/api/renewals`, { params: { withinDays: 'soon' }, headers: auth, validateStatus: () => true });
      expect(bad.status).to.equal(400);
      expect(bad.data.error.issues).to.deep.equal([{ in: 'query', path: 'withinDays', message: 'must be integer' }]);

      const cli = await runCli(['customer', oldForm(e.id), '--hub', base, '--token', viewerToken], cleanEnv({}));
      expect(cli.code, cli.stderr).to.equal(0);
      expect(cli.stdout).to.contain(String(row.goldenId)).and.to.contain(`crm ${e.crm}`);
      const unknown = await runCli(['customer', 'nobody-at-all', '--hub', base], cleanEnv({ CRM_HUB_TOKEN: viewerToken }));
      expect(unknown.code).to.equal(3);
    } finally {
      server.close();
    }
  });
});
