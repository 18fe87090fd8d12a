import axios from 'axios';
import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import type { ConnectorContext, SourceConnector } from '../../../../src/connect/sdk/connector-definition.js';
import { compileConfigSchema } from '../../../../src/platform/config/config-schema-compiler.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { residentIdNumber } from '../../../../src/demo/synthetic/resident-id-number.js';
import { policyAdminEvent, policyNumber, seedPolicyAdminEvents, type PolicyAdminEvent } from '../../../../src/demo/policy-admin-events.js';
import definition from '../../index.js';
import { PolicyEventError, toCanonicalPolicy, type PolicyMappingOptions } from '../../policy-event-mapping.js';

const OPTIONS: PolicyMappingOptions = {
  sourceSystem: 'core-policy',
  amountUnit: 'fen',
  utcOffset: '+08:00',
  productLines: { D: 'MOTOR', E: 'ACCIDENT', H: 'HEALTH', L: 'LIFE', Q: 'PROPERTY', Z: 'LIABILITY', T: 'TRAVEL' },
};
const POL_NO = policyNumber('DAA', '440300', 12345);

function event(change: (e: PolicyAdminEvent) => void = () => {}): PolicyAdminEvent {
  const e = policyAdminEvent({ eventNo: 'PE2026112300000001', polNo: POL_NO });
  change(e);
  return e;
}

function problemOf(e: unknown, options = OPTIONS): string {
  try {
    toCanonicalPolicy(e, options);
  } catch (error) {
    expect(error).to.be.instanceOf(PolicyEventError);
    expect((error as PolicyEventError).code).to.equal('POLICY_EVENT_INVALID');
    expect((error as PolicyEventError).retriable).to.equal(false);
    return (error as Error).message;
  }
  throw new Error('expected the mapping to refuse the event');
}

describe('policy-admin mapping', () => {
  let catalog: SchemaCatalog;
  before(async () => (catalog = await SchemaCatalog.load()));

  it('maps an issued motor policy to the canonical Policy, which the Avro schema accepts unchanged', () => {
    const policy = toCanonicalPolicy(event(), OPTIONS);
    expect(policy).to.deep.include({
      policyNumber: 'PDAA202644030000012345',
      productLine: 'MOTOR',
      productCode: 'DAA',
      productName: '机动车商业保险',
      premium: { amount: '3860.50', currency: 'CNY' },
      sumInsured: { amount: '1500000.00', currency: 'CNY' },
      effectiveDate: '2026-12-01',
      expiryDate: '2027-11-30',
      issuedAt: '2026-11-23T03:12:45.000Z', // 11:12:45 in Beijing
      status: 'IN_FORCE',
      channel: 'AGENT',
      agentCode: 'AG4403001207',
    });
    expect(policy.holder).to.deep.equal({
      customerId: 'C440300000123',
      name: '张伟',
      idType: 'RESIDENT_ID',
      idNumber: residentIdNumber('440305', '1985-03-12', 13),
    });
    expect(policy.vehicle).to.deep.equal({
      plate: '粤B12345',
      vin: 'LVGBE40K8NG123456',
      make: '丰田',
      model: '凯美瑞 2.0G',
      usage: 'PRIVATE',
    });
    expect(policy.meta).to.deep.include({
      eventType: 'PolicyIssued',
      sourceSystem: 'core-policy',
      occurredAt: '2026-11-23T03:12:45.000Z',
      correlationId: 'TDAA202644030000012345',
    });
    const type = catalog.type('crmhub.policy.Policy');
    expect(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(policy))))).to.deep.equal(policy);
  });

  it('maps every seeded event: event types, statuses, 8-character new-energy plates, organisations', () => {
    const policies = seedPolicyAdminEvents().map((e) => toCanonicalPolicy(e, OPTIONS));
    expect(policies.map((p) => (p.meta as { eventType: string }).eventType)).to.include.members([
      'PolicyIssued',
      'PolicyEndorsed',
      'PolicyRenewed',
      'PolicyLapsed',
      'PolicyCancelled',
    ]);
    expect(policies.map((p) => p.status)).to.include.members(['IN_FORCE', 'PENDING', 'LAPSED', 'CANCELLED']);
    expect(policies.map((p) => (p.vehicle as { plate: string }).plate)).to.include('沪AD12345');
    expect(policies.flatMap((p) => (p.insured as Array<{ idType: string }>).map((i) => i.idType))).to.include('UNIFIED_SOCIAL_CREDIT_CODE');
    const type = catalog.type('crmhub.policy.Policy');
    for (const policy of policies) expect(type.isValid(policy), JSON.stringify(policy)).to.equal(true);
    // The same event always gets the same eventId, so a re-read event is a duplicate downstream.
    expect(toCanonicalPolicy(event(), OPTIONS).meta).to.deep.equal(toCanonicalPolicy(event(), OPTIONS).meta);
  });

  it('converts fen exactly, and yuan when the system states yuan', () => {
    const premium = (sumPremium: unknown, amountUnit: 'fen' | 'yuan' = 'fen') =>
      (
        toCanonicalPolicy(
          event((e) => (e.policy.sumPremium = sumPremium)),
          { ...OPTIONS, amountUnit },
        ).premium as { amount: string }
      ).amount;
    expect(premium(1)).to.equal('0.01');
    expect(premium(0)).to.equal('0.00');
    expect(premium('-38605')).to.equal('-386.05');
    expect(premium(999999999999999999n.toString())).to.equal('9999999999999999.99');
    expect(premium(3860.5, 'yuan')).to.equal('3860.50');
    expect(premium('3860.05', 'yuan')).to.equal('3860.05');
    expect(premium(7, 'yuan')).to.equal('7.00');
  });

  it('refuses amounts that are not exact: fractional fen, floating-point yuan, text', () => {
    expect(problemOf(event((e) => (e.policy.sumPremium = 386050.5)))).to.equal(
      'policy.sumPremium: must be a whole number of fen, got 386050.5',
    );
    expect(
      problemOf(
        event((e) => (e.policy.sumPremium = 0.1 + 0.2)),
        { ...OPTIONS, amountUnit: 'yuan' },
      ),
    ).to.contain('policy.sumPremium: must be yuan with at most two decimals');
    expect(problemOf(event((e) => (e.policy.sumAmount = '1,500,000')))).to.contain('policy.sumAmount');
    expect(problemOf(event((e) => delete e.policy.sumPremium))).to.contain('policy.sumPremium');
  });

  it('refuses dates and times that are malformed or do not exist', () => {
    expect(problemOf(event((e) => (e.policy.startDate = '2026-12-01')))).to.equal(
      'policy.startDate: must be a date as yyyyMMdd, got "2026-12-01"',
    );
    expect(problemOf(event((e) => (e.policy.endDate = '20270229')))).to.contain('policy.endDate');
    expect(problemOf(event((e) => (e.policy.signTime = '2026-11-23T11:12:45')))).to.contain('policy.signTime: must be a local time');
    expect(problemOf(event((e) => (e.eventTime = '2026-11-31 10:00:00')))).to.contain('eventTime');
  });

  it('refuses unknown codes, bad plates, a motor policy without its car, and non-objects', () => {
    expect(problemOf(event((e) => (e.bizType = 'TRANSFER')))).to.contain('bizType: "TRANSFER" is not one of the codes NEW, ENDORSE');
    expect(problemOf(event((e) => (e.policy.polStatus = '9')))).to.contain('policy.polStatus');
    expect(problemOf(event((e) => ((e.policy.appli as Record<string, unknown>).certType = 'ZZ')))).to.contain('policy.appli.certType');
    expect(problemOf(event((e) => (e.policy.car = { ...(e.policy.car as object), licenseNo: '粤B1234' })))).to.contain(
      'policy.car.licenseNo: "粤B1234" is not a licence plate',
    );
    expect(problemOf(event((e) => delete e.policy.car))).to.equal('policy.car: is required for the motor product DAA');
    expect(problemOf(event((e) => (e.policy.insured = [])))).to.contain('policy.insured');
    expect(problemOf(event((e) => delete e.policy.polNo))).to.contain('policy.polNo: must be a non-empty string');
    expect(problemOf(null)).to.contain('event: must be an object');
    expect(problemOf({ ...event(), policy: 'x' })).to.contain('policy: must be an object');
  });

  it('normalises plates written with a separator and maps non-motor products without a vehicle', () => {
    expect(
      (
        toCanonicalPolicy(
          event((e) => (e.policy.car = { ...(e.policy.car as object), licenseNo: '粤b·12345' })),
          OPTIONS,
        ).vehicle as { plate: string }
      ).plate,
    ).to.equal('粤B12345');
    const accident = toCanonicalPolicy(
      policyAdminEvent({ eventNo: 'PE1', polNo: policyNumber('EAK', '440300', 1), riskCode: 'EAK' }),
      OPTIONS,
    );
    expect(accident).to.deep.include({ productLine: 'ACCIDENT', vehicle: null });
    expect(toCanonicalPolicy(policyAdminEvent({ eventNo: 'PE2', polNo: 'PXYZ1', riskCode: 'XYZ' }), OPTIONS).productLine).to.equal('OTHER');
  });
});

/** Config as the hub gives it: validated against the spec, defaults filled in. */
function configOf(config: Record<string, unknown>): Parameters<typeof definition.create>[0] {
  const validate = compileConfigSchema(definition.spec as object);
  if (!validate(config)) throw new Error(JSON.stringify(validate.errors));
  return config as Parameters<typeof definition.create>[0];
}

describe('policy-admin connector', () => {
  it('fills in every default from the spec and refuses a bad config', () => {
    expect(configOf({})).to.deep.equal({
      sourceSystem: 'core-policy',
      amountUnit: 'fen',
      utcOffset: '+08:00',
      productLines: OPTIONS.productLines,
    });
    expect(() => configOf({ amountUnit: 'jiao' })).to.throw('allowed values');
    expect(() => configOf({ poll: { url: 'ftp://x' } })).to.throw('pattern');
  });

  const context: ConnectorContext = {
    instance: 'policy-unit',
    logger: createLogger({ level: 'error' }),
    http: () => axios.create({ timeout: 1000 }),
  };

  it('turns a pushed event into one record keyed by policy number, and names the event by its eventNo', async () => {
    const source: SourceConnector = await definition.create(configOf({}), context);
    const request = { body: event(), headers: {} };
    expect(source.webhook!.eventId(request)).to.equal('PE2026112300000001');
    const [record] = source.webhook!.toRecords(request);
    expect(record).to.include({ topic: 'policy.policy.v1', key: POL_NO });
    expect(source.poll).to.equal(undefined); // push only without poll settings
    expect(() => source.webhook!.toRecords({ body: event((e) => (e.policy.startDate = 'x')), headers: {} })).to.throw(
      PolicyEventError,
      'policy.startDate',
    );
  });
});
