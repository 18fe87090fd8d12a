import { expect } from 'chai';
import fc from 'fast-check';
import { serviceRequestFromTicket } from '../../../connectors/service-desk/ticket-mapping.js';
import { startClaimsSimulator } from '../../../src/demo/claims-simulator.js';
import { startCrmSimulator } from '../../../src/demo/crm-simulator.js';
import { DemoActivity, type DemoSystems } from '../../../src/demo/demo-activity.js';
import { closedComplaintsOfYesterday } from '../../../src/demo/desk-complaint-history.js';
import { startPolicyAdminSimulator } from '../../../src/demo/policy-admin-simulator.js';
import { startScmSimulator } from '../../../src/demo/scm-simulator.js';
import { DESK_DEALERS, seededDeskTickets, startServiceDeskSimulator } from '../../../src/demo/service-desk-simulator.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';

/** Beijing local `yyyy-MM-dd HH:mm:ss` → epoch ms. */
const beijing = (local: unknown): number => Date.parse(`${String(local).replace(' ', 'T')}+08:00`);
const DAY_MS = 86_400_000;
const BRANCHES = new Set(DESK_DEALERS.flatMap((dealer) => dealer.branches.map((branch) => `${dealer.dealerNo}@${branch}`)));
const branchOf = (ticket: Record<string, unknown>): string => `${String(ticket.dealerNo)}@${String(ticket.branchNo)}`;
const meta = {
  eventId: 'e',
  eventType: 'ServiceRequestUpdated',
  sourceSystem: 'call-centre',
  occurredAt: '2026-12-07T06:00:00.000Z',
  correlationId: 'c',
};

/** What complaints-per-dealer-daily counts: a closed complaint of a dealer's branch, with its closing time. */
const countedComplaint = (request: Record<string, unknown>): boolean =>
  request.category === 'COMPLAINT' &&
  request.status === 'CLOSED' &&
  request.closedAt !== null &&
  request.dealerCode !== null &&
  request.branchCode !== null;

describe('service desk dispatch and closing in the demo', () => {
  it('seeds tickets at a dealer branch once dispatched, and with a closing time exactly when closed', () => {
    const tickets = seededDeskTickets(40);
    expect(seededDeskTickets(40)).to.deep.equal(tickets);
    for (const ticket of tickets) {
      const label = `${String(ticket.ticketNo)} ${String(ticket.bizType)} ${String(ticket.state)}`;
      if (ticket.dealerNo === null) expect(ticket.branchNo, label).to.equal(null);
      else expect(BRANCHES.has(branchOf(ticket)), label).to.equal(true);
      if (ticket.state === '新建' || ticket.bizType === '咨询') expect(ticket.dealerNo, label).to.equal(null);
      else if (ticket.bizType !== '投诉') expect(ticket.dealerNo, label).to.not.equal(null);
      if (ticket.state === '已关闭') expect(beijing(ticket.closeTime), label).to.be.above(beijing(ticket.createdTime));
      else expect(ticket.closeTime, label).to.equal(null);
    }
    expect(tickets.filter((ticket) => ticket.dealerNo !== null).length).to.be.above(10);
    expect(tickets.filter((ticket) => ticket.state === '已关闭').length).to.be.above(3);
  });

  it("gives the landscape yesterday's closed complaints in closing order, the same all day, most at a dealer's branch", async () => {
    const type = (await SchemaCatalog.load()).type('ServiceRequest');
    const seeded = new Set(seededDeskTickets(40).map((ticket) => ticket.ticketNo));
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2030-12-31T00:00:00Z') }), (now) => {
        const history = closedComplaintsOfYesterday(now);
        const todayStart = Math.floor((now + 8 * 3600_000) / DAY_MS) * DAY_MS - 8 * 3600_000;
        const closings = history.map((ticket) => beijing(ticket.closeTime));
        expect(history).to.have.length(16);
        expect(closings).to.deep.equal([...closings].sort((a, b) => a - b));
        for (const closing of closings) expect(closing).to.be.within(todayStart - DAY_MS, todayStart - 1);
        expect(new Set(history.map((ticket) => ticket.ticketNo)).size).to.equal(16);
        for (const ticket of history) {
          expect(seeded.has(ticket.ticketNo)).to.equal(false);
          expect(beijing(ticket.createdTime)).to.be.below(beijing(ticket.closeTime));
          expect(ticket).to.include({ bizType: '投诉', state: '已关闭' });
          if (ticket.dealerNo !== null) expect(BRANCHES.has(branchOf(ticket))).to.equal(true);
          const request = serviceRequestFromTicket({ ...ticket, modifyTime: new Date(now).toISOString() }, meta);
          expect(type.isValid(request), String(ticket.ticketNo)).to.equal(true);
        }
        // Another moment of the same Beijing day gives the same history.
        expect(closedComplaintsOfYesterday(todayStart + ((now - todayStart + 3_600_000) % DAY_MS))).to.deep.equal(history);
      }),
      { numRuns: 50 },
    );
    const counted = closedComplaintsOfYesterday(Date.parse('2026-12-07T21:00:00Z'))
      .map((ticket) => serviceRequestFromTicket({ ...ticket, modifyTime: '2026-12-07T21:00:00.000Z' }, meta))
      .filter(countedComplaint);
    expect(counted.length).to.be.within(8, 15);
  });

  describe('activity', () => {
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
    after(() => Promise.all(Object.values(systems).map((system) => system.close())));

    it('dispatches tickets to dealer branches, closes them with the time, and has repairs wait for parts at a branch', () => {
      const now = Date.parse('2026-12-07T06:00:00.000Z');
      const activity = new DemoActivity(systems, () => now, 11);
      const tickets = () => systems.desk.backOffice.records('tickets');
      const before = new Map(tickets().map((ticket) => [ticket.ticketNo, ticket]));
      for (let i = 0; i < 400; i++) activity.apply(i % 3 === 0 ? 'parts-reservation' : 'ticket', false);

      const after = tickets();
      const closedNow = after.filter((ticket) => ticket.state === '已关闭' && before.get(ticket.ticketNo)?.state !== '已关闭');
      expect(closedNow.length).to.be.above(10);
      for (const ticket of closedNow) expect(beijing(ticket.closeTime), String(ticket.ticketNo)).to.equal(now);
      for (const ticket of after.filter((t) => t.state !== '已关闭'))
        expect(ticket.closeTime ?? null, String(ticket.ticketNo)).to.equal(null);

      const dispatchedNow = after.filter((ticket) => ticket.state !== '新建' && before.get(ticket.ticketNo)?.state === '新建');
      for (const ticket of dispatchedNow)
        if (ticket.bizType === '咨询') expect(ticket.dealerNo, String(ticket.ticketNo)).to.equal(undefined);
        else if (ticket.bizType !== '投诉') expect(BRANCHES.has(branchOf(ticket)), String(ticket.ticketNo)).to.equal(true);

      const repairs = after.filter((ticket) => !before.has(ticket.ticketNo) && ticket.bizType === '维修');
      expect(repairs.length).to.be.above(100);
      for (const repair of repairs) expect(BRANCHES.has(branchOf(repair)), String(repair.ticketNo)).to.equal(true);

      // The desk works the ticket whose SLA runs out first: the seed's tickets, opened in November, are done first.
      const seededOpen = [...before.values()].filter((ticket) => ticket.state !== '已关闭');
      expect(seededOpen.filter((ticket) => after.find((t) => t.ticketNo === ticket.ticketNo)!.state === '已关闭').length).to.be.above(10);
      const counted = after
        .map((ticket) => serviceRequestFromTicket({ ...ticket, modifyTime: new Date(now).toISOString() }, meta))
        .filter((request) => countedComplaint(request) && request.closedAt === new Date(now).toISOString());
      expect(counted.length, 'complaints of a dealer branch closed by the activity').to.be.above(0);
    });
  });
});
