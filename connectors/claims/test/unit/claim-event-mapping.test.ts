import axios from 'axios';
import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { compileConfigSchema } from '../../../../src/platform/config/config-schema-compiler.js';
import type { ConnectorContext } from '../../../../src/connect/sdk/connector-definition.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { claimNumber, claimsEvent, seedClaimsEvents, type ClaimsEvent } from '../../../../src/demo/claims-events.js';
import { ClaimEventError, toCanonicalClaim, type ClaimMappingOptions } from '../../claim-event-mapping.js';
import definition from '../../index.js';

/** Config as the hub gives it: validated against the spec, defaults filled in. */
function configOf(config: Record<string, unknown>): Parameters<typeof definition.create>[0] {
  const validate = compileConfigSchema(definition.spec as object);
  if (!validate(config)) throw new Error(JSON.stringify(validate.errors));
  return config as Parameters<typeof definition.create>[0];
}

const OPTIONS: ClaimMappingOptions = { ...configOf({}) };
const REGIST_NO = claimNumber('DAA', '310100', 98765);

function event(change: (e: ClaimsEvent) => void = () => {}, step = 2): ClaimsEvent {
  const e = claimsEvent({ msgId: 'CM202612150001', registNo: REGIST_NO, policyNo: 'PDAA202631010000054321', step });
  change(e);
  return e;
}

function problemOf(e: unknown): string {
  try {
    toCanonicalClaim(e, OPTIONS);
  } catch (error) {
    expect(error).to.be.instanceOf(ClaimEventError);
    expect((error as ClaimEventError).code).to.equal('CLAIM_EVENT_INVALID');
    expect((error as ClaimEventError).retriable).to.equal(false);
    return (error as Error).message;
  }
  throw new Error('expected the mapping to refuse the event');
}

describe('claims mapping', () => {
  let catalog: SchemaCatalog;
  before(async () => (catalog = await SchemaCatalog.load()));

  it('maps an assessed motor claim to the canonical Claim, which the Avro schema accepts unchanged', () => {
    const claim = toCanonicalClaim(event(), OPTIONS);
    expect(claim).to.deep.include({
      claimNumber: 'RDAA202631010000098765',
      policyNumber: 'PDAA202631010000054321',
      claimantCustomerId: 'C310100000456',
      lossDate: '2026-12-15',
      reportedAt: '2026-12-15T11:42:10.000Z', // 19:42:10 in Beijing
      lossType: 'COLLISION',
      lossLocation: '上海市浦东新区世纪大道与张杨路交叉口',
      vehiclePlate: '沪AD12345',
      status: 'ASSESSING',
      reserve: { amount: '12500.00', currency: 'CNY' },
      paid: { amount: '0.00', currency: 'CNY' },
    });
    expect(claim.meta).to.deep.include({
      eventType: 'ClaimAssessed',
      sourceSystem: 'claims',
      occurredAt: '2026-12-15T11:42:10.000Z',
      correlationId: REGIST_NO,
    });
    const type = catalog.type('crmhub.claim.Claim');
    expect(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(claim))))).to.deep.equal(claim);
  });

  it('maps every step from report to closure, and every seeded event', () => {
    const steps = [0, 1, 2, 3, 4, 5].map((step) =>
      toCanonicalClaim(
        event(() => {}, step),
        OPTIONS,
      ),
    );
    expect(steps.map((c) => (c.meta as { eventType: string }).eventType)).to.deep.equal([
      'ClaimReported',
      'ClaimRegistered',
      'ClaimAssessed',
      'ClaimApproved',
      'ClaimPaid',
      'ClaimClosed',
    ]);
    expect(steps.map((c) => c.status)).to.deep.equal(['REPORTED', 'REGISTERED', 'ASSESSING', 'APPROVED', 'PAID', 'CLOSED']);
    expect(steps[4]).to.deep.include({ reserve: { amount: '0.00', currency: 'CNY' }, paid: { amount: '12500.00', currency: 'CNY' } });
    const type = catalog.type('crmhub.claim.Claim');
    const seeded = seedClaimsEvents().map((e) => toCanonicalClaim(e, OPTIONS));
    for (const claim of seeded) expect(type.isValid(claim), JSON.stringify(claim)).to.equal(true);
    expect(seeded.find((c) => c.lossType === 'HOSPITALISATION')).to.deep.include({
      vehiclePlate: null,
      reserve: { amount: '26800.50', currency: 'CNY' },
    });
  });

  it('converts yuan exactly from numbers and strings', () => {
    const reserve = (sumReserve: unknown) =>
      (
        toCanonicalClaim(
          event((e) => (e.sumReserve = sumReserve)),
          OPTIONS,
        ).reserve as { amount: string }
      ).amount;
    expect(reserve(12500)).to.equal('12500.00');
    expect(reserve(12500.5)).to.equal('12500.50');
    expect(reserve('0.07')).to.equal('0.07');
    expect(reserve('-300.5')).to.equal('-300.50'); // a recovery
    expect(reserve('9999999999999999.99')).to.equal('9999999999999999.99');
  });

  it('refuses bad amounts, dates, times, codes and missing keys, naming the field', () => {
    expect(problemOf(event((e) => (e.sumPaid = 0.1 + 0.2)))).to.equal(
      'sumPaid: must be yuan with at most two decimals, got 0.30000000000000004',
    );
    expect(problemOf(event((e) => (e.sumReserve = '12,500.00')))).to.contain('sumReserve');
    expect(problemOf(event((e) => (e.sumReserve = null)))).to.contain('sumReserve');
    expect(problemOf(event((e) => (e.damageDate = '2026-12-15')))).to.equal('damageDate: must be a date as yyyyMMdd, got "2026-12-15"');
    expect(problemOf(event((e) => (e.damageDate = '20260230')))).to.contain('damageDate');
    expect(problemOf(event((e) => (e.reportTime = '2026-12-15 24:00:00')))).to.contain('reportTime');
    expect(problemOf(event((e) => (e.claimStatus = '9')))).to.contain('claimStatus: "9" is not one of the codes');
    expect(problemOf(event((e) => (e.nodeCode = 'ARCHIVE')))).to.contain('nodeCode');
    expect(problemOf(event((e) => (e.damageCode = '88')))).to.contain('damageCode: "88" is not one of the codes');
    expect(problemOf(event((e) => delete (e as Record<string, unknown>).policyNo))).to.contain('policyNo: must be a non-empty string');
    expect(problemOf(event((e) => (e.registNo = '')))).to.contain('registNo');
    expect(problemOf([])).to.contain('event: must be an object');
  });
});

describe('claims connector', () => {
  const context: ConnectorContext = {
    instance: 'claims-unit',
    logger: createLogger({ level: 'error' }),
    http: () => axios.create({ timeout: 1000 }),
  };

  it('fills in every default from the spec and refuses a bad config', () => {
    expect(configOf({})).to.include({ sourceSystem: 'claims', utcOffset: '+08:00' });
    expect(() => configOf({ lossTypes: { '01': 'collision' } })).to.throw('pattern');
    expect(() => configOf({ poll: { url: 'https://x', pageSize: 0 } })).to.throw('>= 1');
  });

  it('turns a pushed event into one record keyed by claim number; a bad one throws with the path', async () => {
    const source = await definition.create(configOf({}), context);
    const request = { body: event(), headers: {} };
    expect(source.webhook!.eventId(request)).to.equal('CM202612150001');
    expect(source.webhook!.toRecords(request)[0]).to.include({ topic: 'claims.claim.v1', key: REGIST_NO });
    expect(() => source.webhook!.toRecords({ body: event((e) => (e.sumPaid = 'x')), headers: {} })).to.throw(ClaimEventError, 'sumPaid');
  });
});
