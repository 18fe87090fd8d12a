import { startBackOfficeSimulator, type BackOfficeSimulator } from './back-office-simulator.js';
import type { BackOfficeRecord, Latency } from './back-office-simulator-options.js';
import {
  forwardTo,
  guard,
  jsonObject,
  relay,
  seededCrmCustomers,
  seededRandom,
  startBackOfficeFront,
  type BackOfficeFront,
} from './crm-simulator.js';
import { sendError } from './error-response.js';

/**
 * The call centre and repair service desk (工单系统) in its own JSON shape: `ticketNo`, `source`
 * as a Chinese channel name or a code (电话 / TEL, 传真, 邮件, 网页, 短信), `bizType`, `urgency` and
 * `state` in Chinese, `createdTime` in Beijing time without a zone, `slaHours`, the authorised
 * dealer (`dealerNo`, 服务商) and its branch (`branchNo`, 网点) a ticket is dispatched to, `closeTime`
 * (Beijing time) once closed, and `modifyTime` stamped by the desk. On the back-office simulator, with a front for what a plain collection has
 * not: `GET /api/tickets?custNo=` (open tickets of a customer) and
 * `PATCH /api/tickets/{ticketNo}/customer-context` (404 for an unknown ticket).
 */
export type DeskTicket = BackOfficeRecord;

export interface ServiceDeskSimulatorOptions {
  port?: number;
  bearerToken?: string;
  /** Seeded tickets to generate (default 40, for the seeded CRM customers), or the exact records. */
  tickets?: number | readonly DeskTicket[];
  seed?: number;
  latencyMs?: Latency;
}

const SOURCES = ['电话', '电话', 'TEL', '传真', '邮件', '网页', 'WEB', '短信'] as const;
const BIZ_TYPES = ['维修', '维修', '安装', '保养', '投诉', '咨询', '退货'] as const;
const URGENCIES = ['低', '普通', '普通', '高', '紧急'] as const;
const STATES = ['新建', '已派单', '处理中', '待备件', '已解决', '已关闭'] as const;
const OPEN_STATES = new Set(['新建', '已派单', '处理中', '待备件']);
const PRODUCTS = [
  {
    model: 'KFR-35GW/BP3DN8Y',
    modelName: '变频空调挂机 1.5匹',
    problem: '空调制冷效果差，室外机运行时有异响。',
    parts: [{ partNo: 'CMP-35-INV', qty: 1 }],
  },
  {
    model: 'XQG100-BD14126L',
    modelName: '滚筒洗衣机 10公斤',
    problem: '洗衣机脱水时剧烈晃动并报E3故障。',
    parts: [{ partNo: 'SHK-ABS-02', qty: 2 }],
  },
  { model: 'BCD-501WKPZM', modelName: '对开门冰箱 501升', problem: '冷藏室不制冷，冷冻室正常。', parts: [] },
  { model: 'JSQ30-16WH3', modelName: '燃气热水器 16升', problem: '热水器点火后几秒熄火。', parts: [{ partNo: 'IGN-16-01', qty: 1 }] },
] as const;

/** Authorised service dealers (服务商) and their branches (网点, numbered within the dealer) tickets are dispatched to. */
export const DESK_DEALERS = [
  { dealerNo: 'SD-SZ-0008', branches: ['PD-01', 'PD-02', 'PD-05'] },
  { dealerNo: 'SD-SH-0021', branches: ['PD-01', 'PD-03'] },
  { dealerNo: 'SD-BJ-0005', branches: ['PD-02'] },
] as const;

/** States of a ticket the call centre has dispatched to a dealer's branch, if it dispatches it at all. */
const DISPATCHED_STATES = new Set(['已派单', '处理中', '待备件', '已解决', '已关闭']);

/** A dealer's branch, as `dealerNo` and `branchNo` of a ticket. */
export function deskBranch(random: ReturnType<typeof seededRandom>): { dealerNo: string; branchNo: string } {
  const dealer = random.pick(DESK_DEALERS);
  return { dealerNo: dealer.dealerNo, branchNo: random.pick(dealer.branches) };
}

/** 'yyyy-MM-dd HH:mm:ss' in Beijing time, as the desk writes its times. */
export function deskTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Dispatch and closing of a seeded ticket: an inquiry is answered by the call centre, a third of the
 * complaints too; other tickets past 新建 are at a dealer's branch. Drawn from a stream of their own,
 * so that a ticket's other fields are those it had before the desk recorded dispatch and closing.
 */
function seededDispatch(
  random: ReturnType<typeof seededRandom>,
  ticket: { bizType: string; state: string },
  openedMs: number,
): { dealerNo: string | null; branchNo: string | null; closeTime: string | null } {
  const branch = deskBranch(random);
  const byCallCentre = ticket.bizType === '咨询' || (ticket.bizType === '投诉' && random.next() < 1 / 3);
  const dispatched = DISPATCHED_STATES.has(ticket.state) && !byCallCentre;
  const hoursToClose = 2 + random.int(94) + random.next();
  return {
    dealerNo: dispatched ? branch.dealerNo : null,
    branchNo: dispatched ? branch.branchNo : null,
    closeTime: ticket.state === '已关闭' ? deskTime(openedMs + Math.round(hoursToClose * 3600_000)) : null,
  };
}

/** `count` tickets of the seeded CRM customers, the same for the same seed. */
export function seededDeskTickets(count: number, seed = 20261124): DeskTicket[] {
  const random = seededRandom(seed);
  const dispatch = seededRandom(seed ^ 0x0d15ba7c);
  const customers = seededCrmCustomers(50);
  return Array.from({ length: count }, (_, index) => {
    const customer = random.pick(customers);
    const product = random.pick(PRODUCTS);
    const opened = new Date(Date.UTC(2026, 10, 1 + random.int(28), random.int(24), random.int(60), random.int(60)));
    const local = new Date(opened.getTime() + 8 * 3600_000).toISOString();
    const ticket = {
      ticketNo: `SR${local.slice(0, 10).replaceAll('-', '')}${String(index + 1).padStart(6, '0')}`,
      custNo: customer.custNo,
      contactName: customer.name,
      contactTel: customer.mobile,
      model: product.model,
      modelName: product.modelName,
      sn: `${random.int(10)}R${random.int(10)}K${String(random.int(10_000_000)).padStart(7, '0')}`,
      source: random.pick(SOURCES),
      bizType: random.pick(BIZ_TYPES),
      urgency: random.pick(URGENCIES),
      state: random.pick(STATES),
      problem: product.problem,
      parts: product.parts.map((part) => ({ ...part })),
      createdTime: local.slice(0, 19).replace('T', ' '),
      slaHours: random.pick([24, 48, 72]),
      engineer: random.next() < 0.7 ? `ENG-${String(random.int(1000)).padStart(4, '0')}` : null,
    };
    return { ...ticket, ...seededDispatch(dispatch, ticket, opened.getTime()) };
  });
}

export class ServiceDeskSimulator {
  constructor(
    /** Auth, faults and stored records: collections `tickets` and `ticket-customer-contexts`. */
    readonly backOffice: BackOfficeSimulator,
    private readonly front: BackOfficeFront,
  ) {}

  get url(): string {
    return this.front.url;
  }

  /** Customer contexts the hub wrote, in arrival order, each with its ticketNo. */
  contextWrites(): BackOfficeRecord[] {
    return this.backOffice.received('ticket-customer-contexts').map((write) => write.body);
  }

  upsert(ticket: DeskTicket): void {
    this.backOffice.upsert('tickets', ticket);
  }

  async close(): Promise<void> {
    await this.front.close();
    await this.backOffice.close();
  }
}

export async function startServiceDeskSimulator(options: ServiceDeskSimulatorOptions = {}): Promise<ServiceDeskSimulator> {
  const seed = options.tickets ?? 40;
  const backOffice = await startBackOfficeSimulator({
    name: 'service-desk',
    auth: options.bearerToken ? { bearerToken: options.bearerToken } : undefined,
    latencyMs: options.latencyMs,
    collections: {
      tickets: {
        keyField: 'ticketNo',
        updatedAtField: 'modifyTime',
        records: typeof seed === 'number' ? seededDeskTickets(seed, options.seed) : seed,
      },
      'ticket-customer-contexts': { keyField: 'ticketNo', updatedAtField: 'modifyTime' },
    },
  });
  const front = await startBackOfficeFront(
    backOffice,
    (app) => {
      app.get(
        '/api/tickets',
        guard(async (req, res) => {
          const custNo = req.query.custNo;
          if (typeof custNo !== 'string') return relay(res, await forwardTo(backOffice, req, 'GET', req.originalUrl));
          // A one-item page checks credentials and applies faults; the filter is the desk's own.
          const check = await forwardTo(backOffice, req, 'GET', '/api/tickets?limit=1');
          if (!check.ok) return relay(res, check);
          res.json({
            items: backOffice.records('tickets').filter((ticket) => ticket.custNo === custNo && OPEN_STATES.has(String(ticket.state))),
          });
        }),
      );
      app.patch(
        '/api/tickets/:ticketNo/customer-context',
        guard(async (req, res) => {
          const ticketNo = String(req.params.ticketNo);
          const ticket = await forwardTo(backOffice, req, 'GET', `/api/tickets/${encodeURIComponent(ticketNo)}`);
          if (ticket.status === 404)
            return sendError(res, 404, `service-desk: ticket ${JSON.stringify(ticketNo)} does not exist`, { code: 'TICKET_NOT_FOUND' });
          if (!ticket.ok) return relay(res, ticket);
          const context = jsonObject(req);
          if (!context) return sendError(res, 400, 'service-desk: the body must be a JSON object');
          await relay(
            res,
            await forwardTo(backOffice, req, 'PUT', `/api/ticket-customer-contexts/${encodeURIComponent(ticketNo)}`, {
              ...context,
              ticketNo,
            }),
          );
        }),
      );
    },
    options.port,
  );
  return new ServiceDeskSimulator(backOffice, front);
}
