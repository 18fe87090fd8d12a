import { DIVISIONS } from './synthetic/administrative-divisions.js';
import type { BackOfficeSimulator } from './back-office-simulator.js';
import type { BackOfficeRecord } from './back-office-simulator-options.js';
import { beijingLocalTime, CLAIM_STEPS, claimNumber, claimsEvent } from './claims-events.js';
import type { ClaimsSimulator } from './claims-simulator.js';
import { seededCrmCustomers, seededRandom, type CrmSimulator } from './crm-simulator.js';
import type { DemoEventKind } from './demo-trickle.js';
import { policyAdminEvent, policyNumber, seedPolicyNumbers, POLICY_ADMIN_PARTIES } from './policy-admin-events.js';
import type { PolicyAdminSimulator } from './policy-admin-simulator.js';
import { stockId } from './scm-simulator.js';
import { deskBranch, type ServiceDeskSimulator } from './service-desk-simulator.js';

export interface DemoSystems {
  crm: CrmSimulator;
  policy: PolicyAdminSimulator;
  claims: ClaimsSimulator;
  scm: BackOfficeSimulator;
  desk: ServiceDeskSimulator;
}

/** Where the demo's repair tickets reserve parts: config/demo.crm-hub.yaml's scm-reservations target. */
export const DEMO_PARTS_PLANT = { werks: 'WH-SZ', lgort: '01' } as const;

/** A state the service desk does not have: the ticket is dead-lettered by the hub's source. */
const UNKNOWN_TICKET_STATE = '挂起';
/** The state an open ticket moves to next; a repair waiting for parts is worked on once they are reserved. */
const NEXT_TICKET_STATE: Readonly<Record<string, string>> = {
  新建: '已派单',
  已派单: '处理中',
  待备件: '处理中',
  处理中: '已解决',
  已解决: '已关闭',
};
const CONSULTATIONS = [
  { bizType: '咨询', model: 'KFR-35GW/BP3DN8Y', modelName: '变频空调挂机 1.5匹', problem: '咨询空调遥控器如何设置睡眠模式。' },
  { bizType: '投诉', model: 'XQG100-BD14126L', modelName: '滚筒洗衣机 10公斤', problem: '上门安装人员迟到两小时，要求回访。' },
  { bizType: '保养', model: 'JSQ30-16WH3', modelName: '燃气热水器 16升', problem: '热水器年度保养预约。' },
] as const;
const REPAIRS = [
  { model: 'KFR-35GW/BP3DN8Y', modelName: '变频空调挂机 1.5匹', problem: '空调开机后压缩机不启动，室外机嗡嗡响。' },
  { model: 'KFR-35GW/BP3DN8Y', modelName: '变频空调挂机 1.5匹', problem: '空调出风有异味，滤网堵塞。' },
  { model: 'LVGBE40K8NG', modelName: '凯美瑞 2.0G', problem: '前保险杠剐蹭破裂，需更换总成。' },
] as const;

const pad = (value: number, length: number): string => String(value).padStart(length, '0');
/** When a ticket's SLA runs out: its Beijing `createdTime` plus `slaHours` (48 when absent), in epoch ms. */
const slaDueOf = (ticket: BackOfficeRecord): number =>
  Date.parse(`${String(ticket.createdTime).replace(' ', 'T')}+08:00`) +
  (typeof ticket.slaHours === 'number' ? ticket.slaHours : 48) * 3600_000;

/**
 * The events of the demo after its seed, in each system's own JSON, written into the simulators as
 * their own users would: a customer joins or moves, a policy is issued or renewed, a claim takes its
 * next step, stock is received or issued, a ticket is opened or moves on, a repair waits for parts.
 * Times are now; a bad record is one the hub must refuse (an invalid resident ID number, a policy
 * with nobody insured, an amount with a thousands separator, a stock row without part number, a
 * ticket state the desk does not know).
 */
export class DemoActivity {
  private readonly random: ReturnType<typeof seededRandom>;
  /**
   * Numbers of new customers, policies, claims and tickets. They start from the time of day of the
   * start, so that a demo started again (on a broker that kept the last run's records) does not
   * reuse the numbers of its previous run for other content.
   */
  private sequence: number;
  private readonly policies = seedPolicyNumbers().map((polNo, variant) => ({
    polNo,
    variant,
    riskCode: polNo.slice(1, 4),
    endsSoon: false,
  }));
  private readonly openClaims: Array<{ registNo: string; policyNo: string; variant: number; step: number; reportTime: string }> = [];

  constructor(
    private readonly systems: DemoSystems,
    private readonly now: () => number = Date.now,
    seed = 20261208,
  ) {
    this.random = seededRandom(seed);
    this.sequence = Math.floor(((now() + 8 * 3600_000) % 86_400_000) / 200);
  }

  apply(kind: DemoEventKind, bad: boolean): void {
    const next = ++this.sequence;
    switch (kind) {
      case 'new-customer':
        return this.newCustomer(next, bad);
      case 'address-change':
        return bad ? this.newCustomer(next, true) : this.addressChange();
      case 'policy-issued':
        return this.policyIssued(next, bad);
      case 'policy-renewed':
        return this.policyRenewed(next, bad);
      case 'claim-step':
        return this.claimStep(next, bad);
      case 'stock-change':
        return this.stockChange(next, bad);
      case 'ticket':
        return this.ticket(next, bad);
      case 'parts-reservation':
        return this.repairWaitingForParts(next, bad);
    }
  }

  private local(): string {
    return beijingLocalTime(this.now());
  }

  private newCustomer(next: number, bad: boolean): void {
    const [person] = seededCrmCustomers(1, 20261207 + next);
    const customer = person as BackOfficeRecord;
    const certNo = String(customer.certNo);
    // A typo in the last character: the checksum no longer holds, so identity resolution quarantines it.
    const typo = bad ? `${certNo.slice(0, 17)}${certNo.endsWith('0') ? '1' : '0'}` : certNo;
    this.systems.crm.upsert({
      ...customer,
      custNo: `C${String(customer.custNo).slice(1, 7)}${pad(500_000 + (next % 500_000), 6)}`,
      certNo: typo,
      createTime: this.local(),
    });
  }

  private addressChange(): void {
    const customers = this.systems.crm.customers();
    if (customers.length === 0) return;
    const customer = this.random.pick(customers);
    const division = this.random.pick(DIVISIONS);
    const home = {
      kind: 'home',
      prov: division.province,
      city: division.city,
      dist: division.district,
      detail: `${this.random.pick(division.streets)}${1 + this.random.int(30)}栋${100 + this.random.int(2800)}室`,
      zip: division.postalCode,
    };
    this.systems.crm.upsert({ ...customer, addr: [home] });
  }

  /**
   * A motor policy for a year, or (one in three) a short personal accident cover of one to two
   * months: those come up for renewal soon, so the renewal list grows, and shrinks as they are renewed.
   */
  private policyIssued(next: number, bad: boolean): void {
    const variant = this.random.int(POLICY_ADMIN_PARTIES.length);
    const division = ['440300', '310100', '110100', '330100', '510100', '440100'][variant] as string;
    const shortTerm = this.random.next() < 1 / 3;
    const riskCode = shortTerm ? 'EAK' : variant % 3 === 2 ? 'DZA' : 'DAA';
    const polNo = policyNumber(riskCode, division, 50_000_000 + next);
    const coverDays = shortTerm ? 30 + this.random.int(30) : undefined;
    const event = this.datedPolicyEvent(
      policyAdminEvent({ eventNo: `PE${pad(next, 8)}DEMO`, polNo, variant, riskCode, eventTime: this.local() }),
      coverDays,
    );
    if (bad) event.policy = { ...event.policy, insured: [] };
    else this.policies.push({ polNo, variant, riskCode, endsSoon: shortTerm });
    this.systems.policy.record(event);
  }

  /** A renewal for another year, mostly of a short cover that is about to end. */
  private policyRenewed(next: number, bad: boolean): void {
    const due = this.policies.filter((policy) => policy.endsSoon);
    const policy = this.random.pick(due.length > 0 && this.random.next() < 0.8 ? due : this.policies);
    const { polNo, variant, riskCode } = policy;
    const event = this.datedPolicyEvent(
      policyAdminEvent({ eventNo: `PE${pad(next, 8)}RENEW`, polNo, variant, riskCode, bizType: 'RENEW', eventTime: this.local() }),
    );
    if (bad) event.policy = { ...event.policy, insured: [] };
    else policy.endsSoon = false;
    this.systems.policy.record(event);
  }

  /** Cover from today for `days`, or for a year, signed now. */
  private datedPolicyEvent<T extends { policy: Record<string, unknown> }>(event: T, days?: number): T {
    const today = this.local().slice(0, 10).replaceAll('-', '');
    const end = new Date(this.now() + 8 * 3600_000);
    if (days === undefined) end.setUTCFullYear(end.getUTCFullYear() + 1);
    else end.setUTCDate(end.getUTCDate() + days);
    end.setUTCDate(end.getUTCDate() - 1);
    return {
      ...event,
      policy: { ...event.policy, startDate: today, endDate: end.toISOString().slice(0, 10).replaceAll('-', ''), signTime: this.local() },
    };
  }

  /** Moves an open claim one step on (report → registration → survey → approval → payment → closure), or reports a new one. */
  private claimStep(next: number, bad: boolean): void {
    let claim = this.openClaims.length > 0 && this.random.next() < 0.7 ? this.random.pick(this.openClaims) : undefined;
    if (claim) claim.step += 1;
    else {
      // Losses of the seed's kinds on the seed's policies in the same region: loss ratios and risk flags move.
      const variant = this.random.int(4);
      claim = {
        registNo: claimNumber(
          variant === 3 ? 'EAK' : 'DAA',
          ['310100', '440300', '110100', '330100'][variant] as string,
          20_000_000 + next,
        ),
        policyNo: seedPolicyNumbers()[[1, 0, 2, 3][variant] as number] as string,
        variant,
        step: 0,
        reportTime: this.local(),
      };
      this.openClaims.push(claim);
    }
    if (claim.step >= CLAIM_STEPS.length - 1) this.openClaims.splice(this.openClaims.indexOf(claim), 1);
    const event = claimsEvent({
      msgId: `CM${pad(next, 8)}DEMO`,
      registNo: claim.registNo,
      policyNo: claim.policyNo,
      step: claim.step,
      variant: claim.variant,
      nodeTime: this.local(),
      reportTime: claim.reportTime,
    });
    this.systems.claims.record(bad ? { ...event, sumReserve: '12,500.00' } : event);
  }

  /** Goods received or issued at a storage location; never below what is reserved. */
  private stockChange(next: number, bad: boolean): void {
    if (bad) {
      this.systems.scm.upsert('stock', {
        stockId: stockId(`UNLABELLED-${next}`, 'WH-SZ', '09'),
        matnr: '',
        maktx: '未贴标配件',
        werks: 'WH-SZ',
        lgort: '09',
        labst: 1,
        reserved: 0,
        minStock: 0,
        meins: 'PCS',
        stprs: null,
        waers: null,
      });
      return;
    }
    const held = this.random.pick(
      this.systems.scm.records('stock').filter((stock) => typeof stock.matnr === 'string' && stock.matnr !== ''),
    );
    const onHand = Number(held.labst);
    const reserved = Number(held.reserved);
    const receipt = this.random.next() < 0.6 || onHand - reserved < 2;
    const labst = receipt ? onHand + 5 + this.random.int(20) : onHand - 1 - this.random.int(Math.min(3, onHand - reserved - 1));
    this.systems.scm.upsert('stock', { ...held, labst });
  }

  /**
   * A new consultation, complaint or maintenance ticket, or an open ticket moving on: when it is
   * dispatched it goes to a dealer's branch (an inquiry and a third of the complaints stay with the
   * call centre), and when it is closed the desk notes the time.
   */
  private ticket(next: number, bad: boolean): void {
    const tickets = this.systems.desk.backOffice
      .records('tickets')
      .filter((ticket) => NEXT_TICKET_STATE[String(ticket.state)] !== undefined);
    if (!bad && tickets.length > 0 && this.random.next() < 0.5) {
      // The desk works first the ticket whose SLA runs out first, so tickets get closed, not just opened;
      // complaints are escalated: every other time it takes the most urgent complaint.
      const complaints = tickets.filter((ticket) => ticket.bizType === '投诉');
      const queue = complaints.length > 0 && this.random.next() < 0.5 ? complaints : tickets;
      const ticket = queue.reduce((first, candidate) => (slaDueOf(candidate) < slaDueOf(first) ? candidate : first));
      const state = NEXT_TICKET_STATE[String(ticket.state)] as string;
      const byCallCentre = ticket.bizType === '咨询' || (ticket.bizType === '投诉' && this.random.next() < 1 / 3);
      const dispatch = state === '已派单' && !byCallCentre ? deskBranch(this.random) : {};
      const closing = state === '已关闭' ? { closeTime: this.local() } : {};
      this.systems.desk.upsert({ ...ticket, ...dispatch, ...closing, state });
      return;
    }
    const kind = this.random.pick(CONSULTATIONS);
    this.systems.desk.upsert(this.newTicket(next, { ...kind, parts: [], state: bad ? UNKNOWN_TICKET_STATE : '新建' }));
  }

  /** A repair that needs spare parts the SCM keeps at the demo's plant: the hub reserves them there. */
  private repairWaitingForParts(next: number, bad: boolean): void {
    const stock = this.systems.scm
      .records('stock')
      .filter(
        (row) =>
          row.werks === DEMO_PARTS_PLANT.werks && row.lgort === DEMO_PARTS_PLANT.lgort && Number(row.labst) - Number(row.reserved) >= 1,
      );
    const part = stock.length > 0 ? this.random.pick(stock) : undefined;
    const repair = this.random.pick(REPAIRS);
    const parts = part
      ? [{ partNo: String(part.matnr), qty: 1 + this.random.int(Math.min(2, Number(part.labst) - Number(part.reserved))) }]
      : [];
    this.systems.desk.upsert({
      ...this.newTicket(next, { ...repair, bizType: '维修', parts, state: bad ? UNKNOWN_TICKET_STATE : '待备件' }),
      // A repair is worked on at a dealer's branch: it is the branch's engineer who waits for the parts.
      ...deskBranch(this.random),
    });
  }

  private newTicket(
    next: number,
    content: { bizType: string; model: string; modelName: string; problem: string; parts: unknown[]; state: string },
  ): BackOfficeRecord {
    const customers = this.systems.crm.customers();
    const customer = customers.length > 0 ? this.random.pick(customers) : {};
    const created = this.local();
    return {
      ticketNo: `SR${created.slice(0, 10).replaceAll('-', '')}${pad(500_000 + (next % 500_000), 6)}`,
      custNo: customer.custNo ?? null,
      contactName: customer.name ?? null,
      contactTel: customer.mobile ?? null,
      sn: `${this.random.int(10)}R${this.random.int(10)}K${pad(this.random.int(10_000_000), 7)}`,
      source: this.random.pick(['电话', 'TEL', '网页', '短信'] as const),
      urgency: this.random.pick(['普通', '普通', '高', '紧急'] as const),
      createdTime: created,
      slaHours: this.random.pick([24, 48] as const),
      engineer: content.state === '新建' ? null : `ENG-${pad(this.random.int(1000), 4)}`,
      ...content,
    };
  }
}
