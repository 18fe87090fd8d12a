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
const mobile = (n: number) => `13${String(run).slice(0, 7)}${n}${n}`.slice(0, 11);
const at = (day: string, time = '09:00:00') => `${day}T${time}.000Z`;
const meta = (eventType: string, sourceSystem: string, occurredAt: string) => ({
  eventId: randomUUID(),
  eventType,
  sourceSystem,
  occurredAt,
  correlationId: `corr-${randomUUID()}`,
});
const plate = `粤B${String(run).slice(-5)}`;

describe('single customer view on the real broker', function () {
  this.timeout(240_000);
  const client = () => new KafkajsClient({ brokers: infrastructure().kafka.brokers });
  let serde: AvroSerde;
  let catalog: SchemaCatalog;
  let producer: HubProducer;
  let view: CustomerView | undefined;
  const prefix = uniqueName('cv');
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });

  // Person A: in every system. Person B: a ticket by phone and a policy by ID, joined later by a CRM record.
  const idA = residentIdNumber('440305', `19${String(60 + (run % 30))}-03-12`, 100 + (run % 400) * 2 + 1);
  const idB = residentIdNumber('310115', `19${String(60 + (run % 30))}-11-08`, 100 + (run % 400) * 2);
  const crmA = `C${run}01`;
  const crmB = `C${run}02`;
  const policyA = `PDAA2026${run}0001`;
  const policyB = `PDAA2026${run}0002`;
  const claimA = `RDAA2026${run}0001`;
  const badClaim = `RDAA2026${run}0009`;
  const ticketA = `SR2026${run}01`;
  const ticketB = `SR2026${run}02`;

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
  });

  after(async () => {
    await view?.stop();
    await producer?.disconnect();
  });

  it("resolves five systems' records of one person into one golden customer, found by any identifier", async () => {
    view = await startView();
    await produce('crm.customer.v1', customer(crmA, idA, mobile(1), '张伟', at('2026-03-01')));
    await produce(
      'policy.policy.v1',
      policy(policyA, { customerId: null, name: '张 伟', idNumber: idA }, at('2026-03-02'), {
        vehicle: { ...(samplePolicy().vehicle as Row), plate },
        premium: { amount: '3650.00', currency: 'CNY' },
        effectiveDate: '2026-01-01',
        expiryDate: '2026-12-31',
      }),
    );
    await produce('claims.claim.v1', {
      ...sampleClaim(),
      meta: meta('ClaimPaid', 'claims', at('2026-07-01')),
      claimNumber: claimA,
      policyNumber: policyA,
      claimantCustomerId: null,
      vehiclePlate: plate,
      status: 'PAID',
      reserve: { amount: '0.00', currency: 'CNY' },
      paid: { amount: '2900.00', currency: 'CNY' },
    });
    await produce('service.request.v1', {
      ...sampleServiceRequest(),
      meta: meta('ServiceRequestOpened', 'call-centre', at('2026-07-02')),
      ticketNumber: ticketA,
      customerId: null,
      callerName: '张伟',
      callerPhone: `+86 ${mobile(1)}`,
    });
    await produce('erp.customer-xref.v1', {
      ...sampleCustomerXref(),
      meta: meta('ErpCustomerLinked', 'erp', at('2026-07-03')),
      customerId: crmA,
      erpCustomerId: `ERP-${run}`,
    });

    await waitFor(
      () => (view!.directory.lookup(idA)[0]?.crossReferences.length ?? 0) >= 5,
      60_000,
      'five members under one golden customer',
    );
    const [profile] = view.directory.lookup(idA);
    const goldenId = String(profile!.golden.goldenId);
    expect(profile!.crossReferences.map((ref) => ref.system).sort()).to.deep.equal([
      'claims',
      'crm',
      'erp',
      'policy-admin',
      'service-desk',
    ]);
    for (const identifier of [
      mobile(1),
      `+86${mobile(1)}`,
      oldForm(idA),
      plate,
      policyA,
      `crm:${crmA}`,
      crmA,
      `ERP-${run}`,
      ticketA,
      claimA,
      goldenId,
    ]) {
      const found = view.directory.lookup(identifier);
      expect(
        found.map((match) => match.golden.goldenId),
        identifier,
      ).to.deep.equal([goldenId]);
    }
    expect(profile!.golden.fullName).to.equal('张伟');
    expect(profile!.recentEvents.length).to.be.within(5, 10);
  });

  it('quarantines a record with an invalid identifier, with the reason and without the value', async () => {
    await produce('claims.claim.v1', {
      ...sampleClaim(),
      meta: meta('ClaimReported', 'claims', at('2026-07-04')),
      claimNumber: badClaim,
      policyNumber: policyA,
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
    const goldenId = String(view!.directory.lookup(idA)[0]!.golden.goldenId);
    await waitFor(() => view!.directory.profile(goldenId)?.risk?.level === 'HIGH', 60_000, 'risk HIGH');
    const risk = view!.directory.profile(goldenId)!.risk!;
    // 2,900.00 paid over the premium earned by 2026-07-03: 184 of 365 days of 3,650.00 = 1,840.00.
    expect(JSON.parse(JSON.stringify(risk.claimsPaid))).to.deep.equal({ amount: '2900.00', currency: 'CNY' });
    expect(risk.lossRatio).to.be.greaterThan(1);
    const flags = await readDecodedUntil('crm.customer-flag.v1', (rows) =>
      rows.some((row) => row.customerId === crmA && row.flagType === 'HIGH_LOSS_RATIO'),
    );
    const flag = flags.find((record) => record.customerId === crmA && record.flagType === 'HIGH_LOSS_RATIO')!;
    expect(flag.severity).to.equal('CRITICAL');
    expect(flag.reason).to.contain(policyA);
    await waitFor(() => view!.directory.profile(goldenId)?.segment !== null, 30_000, 'a value segment');
    expect(view!.directory.profile(goldenId)!.segment!.segment).to.be.oneOf(['PLATINUM', 'GOLD', 'SILVER', 'BRONZE', 'UNCLASSIFIED']);
  });

  it('merges two golden customers when a record links them, redirects the old id, and unmerges on request', async () => {
    await produce('service.request.v1', {
      ...sampleServiceRequest(),
      meta: meta('ServiceRequestOpened', 'call-centre', at('2026-08-01')),
      ticketNumber: ticketB,
      customerId: null,
      callerName: '王秀英',
      callerPhone: mobile(2),
    });
    await produce(
      'policy.policy.v1',
      policy(policyB, { customerId: null, name: '王秀英', idNumber: idB }, at('2026-08-02'), { vehicle: null, productLine: 'HEALTH' }),
    );
    await waitFor(
      () => view!.directory.lookup(ticketB).length === 1 && view!.directory.lookup(policyB).length === 1,
      60_000,
      'two golden customers of B',
    );
    const ticketGolden = String(view!.directory.lookup(ticketB)[0]!.golden.goldenId);
    const policyGolden = String(view!.directory.lookup(policyB)[0]!.golden.goldenId);
    expect(ticketGolden).not.to.equal(policyGolden);

    await produce('crm.customer.v1', customer(crmB, idB, mobile(2), '王秀英', at('2026-08-03')));
    await waitFor(
      () => view!.directory.lookup(ticketB)[0]?.golden.goldenId === view!.directory.lookup(policyB)[0]?.golden.goldenId,
      60_000,
      'B merged',
    );
    const merged = view!.directory.lookup(crmB)[0]!;
    const survivor = String(merged.golden.goldenId);
    const loser = survivor === ticketGolden ? policyGolden : ticketGolden;
    expect(view!.directory.profile(loser)!.mergedFrom).to.deep.equal([loser]);
    await readDecodedUntil('customer.identity-event.v1', (rows) =>
      rows.some((event) => event.eventType === 'MERGED' && event.goldenId === survivor && event.otherGoldenId === loser),
    );

    await view!.requestUnmerge('service-desk', ticketB);
    await waitFor(() => view!.directory.lookup(ticketB)[0]?.golden.goldenId !== survivor, 60_000, 'ticket B split off');
    await readDecodedUntil('customer.identity-event.v1', (rows) =>
      rows.some((event) => event.eventType === 'UNMERGED' && event.memberSystemId === ticketB),
    );
    expect(view!.directory.lookup(policyB)[0]!.golden.goldenId).to.equal(survivor);
  });

  it('picks its state up again after a restart: the same golden ids, no new customer for a known person', async () => {
    const before = String(view!.directory.lookup(idA)[0]!.golden.goldenId);
    await view!.stop();
    view = await startView();
    await produce('crm.customer.v1', customer(crmA, idA, mobile(3), '张伟', at('2026-09-01')));
    await waitFor(() => view!.directory.lookup(mobile(3)).length === 1, 60_000, 'the new phone of A');
    expect(view.directory.lookup(mobile(3))[0]!.golden.goldenId).to.equal(before);
    expect(view.directory.lookup(idA).map((match) => match.golden.goldenId)).to.deep.equal([before]);
  });

  it('lists renewals with contact and segment, publishes them with RENEWAL_DUE flags, and serves the API and CLI', async () => {
    await waitFor(
      () => view!.status().policies > 0 && view!.renewalList('2026-11-15', 60).rows.some((row) => row.policyNumber === policyA),
      30_000,
      'policy A in the renewal window',
    );
    const list = view!.renewalList('2026-11-15', 60);
    const row = list.rows.find((candidate) => candidate.policyNumber === policyA)!;
    expect(row).to.include({ daysToExpiry: 46, holderName: '张伟', mobile: mobile(3) });
    expect(row.goldenId).to.equal(view!.directory.lookup(idA)[0]!.golden.goldenId);

    await waitFor(() => view!.status().processors.every((processor) => processor.state === 'active'), 30_000, 'processors active');
    const ran = await view!.runRenewalsNow('2026-11-15');
    expect(ran.candidates).to.be.greaterThan(0);
    const candidates = await readDecodedUntil('policy.renewal-candidate.v1', (rows) =>
      rows.some((candidate) => candidate.policyNumber === policyA),
    );
    expect(candidates.find((candidate) => candidate.policyNumber === policyA)).to.include({
      goldenId: row.goldenId,
      daysToExpiry: 46,
      contactPhone: mobile(3),
    });
    await readDecodedUntil('crm.customer-flag.v1', (rows) =>
      rows.some((flag) => flag.customerId === crmA && flag.flagType === 'RENEWAL_DUE' && flag.policyNumber === policyA),
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
      expect((await axios.get(`${base}/api/customers/lookup`, { params: { q: plate }, validateStatus: () => true })).status).to.equal(401);
      const unmerge = await axios.post(
        `${base}/api/customers/unmerge`,
        { system: 'crm', systemId: crmA },
        { headers: auth, validateStatus: () => true },
      );
      expect(unmerge.status, 'a viewer may not unmerge').to.equal(403);
      const found = await axios.get(`${base}/api/customers/lookup`, { params: { q: plate }, headers: auth });
      expect(found.data.matches[0].golden.goldenId).to.equal(row.goldenId);
      // A viewer sees personal data masked as logs show it; an operator (the call centre) sees it whole.
      const seenByViewer = JSON.stringify(found.data);
      for (const personal of [idA, mobile(3), '张伟']) expect(seenByViewer, 'masked for a viewer').to.not.contain(personal);
      expect(found.data.matches[0].golden.mobile).to.equal(`${mobile(3).slice(0, 3)}****${mobile(3).slice(-4)}`);
      const whole = await axios.get(`${base}/api/customers/lookup`, {
        params: { q: plate },
        headers: { Authorization: `Bearer ${operatorToken}` },
      });
      expect(whole.data.matches[0].golden).to.include({ mobile: mobile(3), fullName: '张伟' });
      const profile = await axios.get(`${base}/api/customers/${String(row.goldenId)}`, { headers: auth });
      expect(JSON.stringify(profile.data)).to.not.contain(mobile(3));
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
      expect(csv.data).to.contain(policyA).and.not.contain(mobile(3));
      const wholeCsv = await axios.get(`${base}/api/renewals`, {
        params: { asOf: '2026-11-15', withinDays: 60, format: 'csv' },
        headers: { Authorization: `Bearer ${operatorToken}` },
        responseType: 'text',
      });
      expect(wholeCsv.data).to.contain(mobile(3)).and.contain('张伟');
      const bad = await axios.get(`${base}/api/renewals`, { params: { withinDays: 'soon' }, headers: auth, validateStatus: () => true });
      expect(bad.status).to.equal(400);
      expect(bad.data.error.issues).to.deep.equal([{ in: 'query', path: 'withinDays', message: 'must be integer' }]);

      const cli = await runCli(['customer', oldForm(idA), '--hub', base, '--token', viewerToken], cleanEnv({}));
      expect(cli.code, cli.stderr).to.equal(0);
      expect(cli.stdout).to.contain(String(row.goldenId)).and.to.contain(`crm ${crmA}`);
      const unknown = await runCli(['customer', 'nobody-at-all', '--hub', base], cleanEnv({ CRM_HUB_TOKEN: viewerToken }));
      expect(unknown.code).to.equal(3);
    } finally {
      server.close();
    }
  });
});
