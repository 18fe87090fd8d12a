import { expect } from 'chai';
import { isValidResidentIdNumber } from '../../../src/demo/synthetic/resident-id-number.js';
import { seedClaimsEvents } from '../../../src/demo/claims-events.js';
import { startClaimsSimulator } from '../../../src/demo/claims-simulator.js';
import { startCrmSimulator } from '../../../src/demo/crm-simulator.js';
import { DEMO_PARTS_PLANT, DemoActivity, type DemoSystems } from '../../../src/demo/demo-activity.js';
import { startPolicyAdminSimulator } from '../../../src/demo/policy-admin-simulator.js';
import { startScmSimulator } from '../../../src/demo/scm-simulator.js';
import { startServiceDeskSimulator } from '../../../src/demo/service-desk-simulator.js';

/** Beijing local `yyyy-MM-dd HH:mm:ss` → epoch ms. */
const beijing = (local: unknown): number => Date.parse(`${String(local).replace(' ', 'T')}+08:00`);

describe('demo activity (what the demo systems do after the seed)', () => {
  let systems: DemoSystems;

  before(async () => {
    systems = {
      crm: await startCrmSimulator(),
      policy: await startPolicyAdminSimulator(),
      claims: await startClaimsSimulator(),
      scm: await startScmSimulator(),
      desk: await startServiceDeskSimulator(),
    };
  });

  after(async () => {
    await Promise.all(Object.values(systems).map((system) => system.close()));
  });

  it('seeds claims that happened in the past, so that the feed stamps later events now, not after the seed', () => {
    const now = Date.now();
    const seed = seedClaimsEvents(now);
    expect(seed).to.have.length(18);
    for (const event of seed) {
      for (const local of [event.nodeTime, event.reportTime]) expect(beijing(local), `${event.msgId} ${String(local)}`).to.be.at.most(now);
      expect(Date.parse(String(event.updatedAt))).to.be.at.most(now);
      expect(String(event.damageDate)).to.equal(String(event.reportTime).slice(0, 10).replaceAll('-', ''));
    }
    expect(seedClaimsEvents(now)).to.deep.equal(seed);
    // The simulator started with the default seed: a new event is stamped about now.
    const before = Date.now();
    systems.claims.record({ ...seed[0]!, msgId: 'CM-AFTER-SEED' });
    const stamped = systems.claims.backOffice.records('claim-events').find((event) => event.msgId === 'CM-AFTER-SEED')!;
    expect(Date.parse(String(stamped.updatedAt))).to.be.within(before, Date.now() + 1000);
  });

  it('writes each kind of event into its system, dated now', () => {
    const now = Date.parse('2026-12-07T06:00:00.000Z');
    const activity = new DemoActivity(systems, () => now, 7);
    const count = (collection: () => unknown[]) => collection().length;
    const crmBefore = count(() => systems.crm.customers());
    const policyBefore = count(() => systems.policy.backOffice.records('policy-events'));
    const claimsBefore = count(() => systems.claims.backOffice.records('claim-events'));
    const ticketsBefore = count(() => systems.desk.backOffice.records('tickets'));

    for (let i = 0; i < 5; i++) activity.apply('new-customer', false);
    const customers = systems.crm.customers();
    expect(customers).to.have.length(crmBefore + 5);
    const fresh = customers.filter((customer) => Number(String(customer.custNo).slice(7)) >= 500_000);
    expect(fresh).to.have.length(5);
    for (const customer of fresh) {
      expect(isValidResidentIdNumber(String(customer.certNo))).to.equal(true);
      expect(String(customer.name)).to.match(/^[\u4e00-\u9fa5]{2,4}$/);
      expect(beijing(customer.createTime)).to.equal(now);
    }
    activity.apply('new-customer', true);
    expect(systems.crm.customers().filter((customer) => !isValidResidentIdNumber(String(customer.certNo)))).to.have.length(1);

    // Motor policies for a year, and short accident covers that come up for renewal within 60 days.
    for (let i = 0; i < 12; i++) activity.apply('policy-issued', false);
    const cover = (event: Record<string, unknown>) =>
      event.policy as { polNo: string; riskCode: string; startDate: string; endDate: string };
    const issued = systems.policy.backOffice.records('policy-events').slice(policyBefore);
    expect(issued).to.have.length(12);
    for (const event of issued) {
      expect(event.bizType).to.equal('NEW');
      expect(beijing(event.eventTime)).to.equal(now);
      expect(cover(event).startDate).to.equal('20261207');
      if (cover(event).riskCode === 'EAK') expect(Number(cover(event).endDate)).to.be.within(20270105, 20270204);
      else expect(cover(event).endDate).to.equal('20271206');
    }
    const shortCovers = issued.filter((event) => cover(event).riskCode === 'EAK').map((event) => cover(event).polNo);
    expect(shortCovers.length).to.be.within(1, 11);
    for (let i = 0; i < 30; i++) activity.apply('policy-renewed', false);
    const renewals = systems.policy.backOffice.records('policy-events').slice(policyBefore + 12);
    expect(renewals.every((event) => event.bizType === 'RENEW' && cover(event).endDate === '20271206')).to.equal(true);
    expect(
      renewals.map((event) => cover(event).polNo),
      'every short cover renewed',
    ).to.include.members(shortCovers);

    for (let i = 0; i < 30; i++) activity.apply('claim-step', false);
    const claims = systems.claims.backOffice.records('claim-events').slice(claimsBefore);
    expect(claims).to.have.length(30);
    for (const event of claims) for (const local of [event.nodeTime, event.reportTime]) expect(beijing(local)).to.be.at.most(now);
    // Claims move through their steps in order, report first.
    const stepsOf = new Map<string, string[]>();
    for (const event of claims)
      stepsOf.set(String(event.registNo), [...(stepsOf.get(String(event.registNo)) ?? []), String(event.nodeCode)]);
    const order = ['REPORT', 'REGIST', 'SURVEY', 'VERIFY', 'PAY', 'ENDCASE'];
    for (const steps of stepsOf.values()) expect(steps).to.deep.equal(order.slice(0, steps.length));
    expect(Math.max(...[...stepsOf.values()].map((steps) => steps.length)), 'some claim got past the report').to.be.above(2);

    activity.apply('parts-reservation', false);
    const repair = systems.desk.backOffice.records('tickets').slice(ticketsBefore).at(-1)!;
    expect(repair).to.include({ bizType: '维修', state: '待备件' });
    expect(beijing(repair.createdTime)).to.equal(now);
    const [part] = repair.parts as Array<{ partNo: string; qty: number }>;
    const stock = systems.scm
      .records('stock')
      .find((row) => row.matnr === part!.partNo && row.werks === DEMO_PARTS_PLANT.werks && row.lgort === DEMO_PARTS_PLANT.lgort)!;
    expect(Number(stock.labst) - Number(stock.reserved), 'free stock covers the part').to.be.at.least(part!.qty);

    activity.apply('ticket', true);
    expect(systems.desk.backOffice.records('tickets').at(-1)).to.include({ state: '挂起' });
    activity.apply('stock-change', true);
    expect(systems.scm.records('stock').at(-1)).to.include({ matnr: '' });
    const onHandBefore = systems.scm.records('stock').reduce((sum, row) => sum + Number(row.labst), 0);
    for (let i = 0; i < 10; i++) activity.apply('stock-change', false);
    for (const row of systems.scm.records('stock')) expect(Number(row.labst), String(row.stockId)).to.be.at.least(Number(row.reserved));
    expect(systems.scm.records('stock').reduce((sum, row) => sum + Number(row.labst), 0)).to.not.equal(onHandBefore);
  });
});
