import { seededCrmCustomers, seededRandom } from './crm-simulator.js';
import { deskBranch, deskTime, type DeskTicket } from './service-desk-simulator.js';

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;

const COMPLAINTS = [
  { model: 'KFR-35GW/BP3DN8Y', modelName: '变频空调挂机 1.5匹', problem: '维修师傅未按预约时间上门，也未提前电话告知。' },
  { model: 'XQG100-BD14126L', modelName: '滚筒洗衣机 10公斤', problem: '更换减震器后洗衣机仍然晃动，要求重新维修。' },
  { model: 'JSQ30-16WH3', modelName: '燃气热水器 16升', problem: '上门服务收取的费用与报价不一致。' },
  { model: 'BCD-501WKPZM', modelName: '对开门冰箱 501升', problem: '安装后冰箱门不平，师傅态度差。' },
] as const;

/**
 * Complaints the desk closed during the Beijing day before `now`, in the order they were closed: the
 * demo's history, so that the per-dealer complaint counts of a whole day (a day counts once it is
 * over) come out as soon as the day's window closes, instead of first at the next Beijing midnight.
 * One in five was closed by the call centre itself, never dispatched to a dealer's branch. The same
 * day gives the same tickets, so a demo started again that day repeats, not adds, them. The desk
 * stamps `modifyTime` as it stores them: they come after the seeded tickets in its change feed.
 */
export function closedComplaintsOfYesterday(now: number, count = 16): DeskTicket[] {
  const today = Math.floor((now + BEIJING_OFFSET_MS) / DAY_MS);
  const yesterdayStart = (today - 1) * DAY_MS - BEIJING_OFFSET_MS;
  const random = seededRandom(today);
  const customers = seededCrmCustomers(50);
  const closings = Array.from({ length: count }, () => yesterdayStart + random.int(DAY_MS)).sort((a, b) => a - b);
  const dayOfMonth = deskTime(yesterdayStart).slice(8, 10);
  return closings.map((closedMs, index) => {
    const openedMs = closedMs - Math.round((1 + random.int(70) + random.next()) * 3600_000);
    const customer = random.pick(customers);
    const complaint = random.pick(COMPLAINTS);
    const branch = deskBranch(random);
    const byCallCentre = random.next() < 0.2;
    const created = deskTime(openedMs);
    return {
      ticketNo: `SR${created.slice(0, 10).replaceAll('-', '')}4${dayOfMonth}${String(index + 1).padStart(3, '0')}`,
      custNo: customer.custNo,
      contactName: customer.name,
      contactTel: customer.mobile,
      model: complaint.model,
      modelName: complaint.modelName,
      sn: `${random.int(10)}R${random.int(10)}K${String(random.int(10_000_000)).padStart(7, '0')}`,
      source: random.pick(['电话', '电话', 'TEL', '网页', '短信'] as const),
      bizType: '投诉',
      urgency: random.pick(['普通', '高', '高', '紧急'] as const),
      state: '已关闭',
      problem: complaint.problem,
      parts: [],
      createdTime: created,
      slaHours: 24,
      engineer: byCallCentre ? null : `ENG-${String(random.int(1000)).padStart(4, '0')}`,
      dealerNo: byCallCentre ? null : branch.dealerNo,
      branchNo: byCallCentre ? null : branch.branchNo,
      closeTime: deskTime(closedMs),
    };
  });
}
