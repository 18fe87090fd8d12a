import { residentIdNumber } from '../../src/demo/synthetic/resident-id-number.js';

/**
 * Policy events in the core policy system's own JSON (fen amounts, yyyyMMdd dates, Beijing local
 * times, its codes): the seed of the policy-admin simulator and the input of the connector's tests.
 * Deterministic: the same call always builds the same events.
 */

export type PolicyAdminEvent = Record<string, unknown> & { eventNo: string; policy: Record<string, unknown> };

export interface PolicyAdminParty {
  custNo: string | null;
  name: string;
  certType: string;
  certNo: string;
}

export const POLICY_ADMIN_PARTIES: readonly PolicyAdminParty[] = [
  { custNo: 'C440300000123', name: '张伟', certType: '01', certNo: residentIdNumber('440305', '1985-03-12', 13) },
  { custNo: 'C310100000456', name: '王秀英', certType: '01', certNo: residentIdNumber('310115', '1972-11-08', 24) },
  { custNo: null, name: '李强', certType: '01', certNo: residentIdNumber('110105', '1990-07-21', 35) },
  { custNo: 'C330100000789', name: '陈静', certType: '01', certNo: residentIdNumber('330106', '1988-01-30', 42) },
  { custNo: null, name: '刘洋', certType: '01', certNo: residentIdNumber('510107', '1995-09-02', 51) },
  { custNo: 'C440100001024', name: '深圳市前海微众科技有限公司', certType: '31', certNo: '91440300MA5D8C2X4U' },
];

const CARS = [
  { licenseNo: '粤B12345', frameNo: 'LVGBE40K8NG123456', brandName: '丰田', modelName: '凯美瑞 2.0G', useNature: 'A' },
  { licenseNo: '沪AD12345', frameNo: 'LGXCE4CB5N0012345', brandName: '比亚迪', modelName: '汉 EV', useNature: 'A' },
  { licenseNo: '京N8K2M7', frameNo: 'LSVAM4187C2184321', brandName: '大众', modelName: '帕萨特 330TSI', useNature: 'A' },
  { licenseNo: '浙AF66881', frameNo: 'LRW3E7EK6PC654321', brandName: '特斯拉', modelName: 'Model 3', useNature: 'C' },
  { licenseNo: '川A5Q9J2', frameNo: 'LFV2A21K6N3098765', brandName: '一汽-大众', modelName: '速腾 300TSI', useNature: 'B' },
] as const;

/** A motor policy number: P + riskCode + year + 6-digit division + 8-digit sequence, e.g. PDAA202644030000012345. */
export function policyNumber(riskCode: string, division: string, sequence: number, year = 2026): string {
  return `P${riskCode}${year}${division}${String(sequence).padStart(8, '0')}`;
}

export interface PolicyEventSpec {
  eventNo: string;
  polNo: string;
  bizType?: 'NEW' | 'ENDORSE' | 'RENEW' | 'LAPSE' | 'CANCEL';
  /** Beijing local time, yyyy-MM-dd HH:mm:ss. */
  eventTime?: string;
  /** Index into POLICY_ADMIN_PARTIES and the cars: picks the people and the vehicle. */
  variant?: number;
  riskCode?: string;
  sumPremiumFen?: number;
}

/** One event of a motor or accident policy, as the policy system sends it. */
export function policyAdminEvent(spec: PolicyEventSpec): PolicyAdminEvent {
  const variant = spec.variant ?? 0;
  const riskCode = spec.riskCode ?? (variant % 3 === 2 ? 'DZA' : 'DAA');
  const holder = POLICY_ADMIN_PARTIES[variant % POLICY_ADMIN_PARTIES.length] as PolicyAdminParty;
  const spouse = POLICY_ADMIN_PARTIES[(variant + 1) % POLICY_ADMIN_PARTIES.length] as PolicyAdminParty;
  const motor = riskCode.startsWith('D');
  const bizType = spec.bizType ?? 'NEW';
  const statusByBizType = { NEW: '1', ENDORSE: '1', RENEW: '0', LAPSE: '2', CANCEL: '3' } as const;
  return {
    eventNo: spec.eventNo,
    bizType,
    eventTime: spec.eventTime ?? '2026-11-23 11:12:45',
    ...(bizType === 'ENDORSE' ? { endorseNo: `E${spec.polNo.slice(1)}01` } : {}),
    policy: {
      proposalNo: `T${spec.polNo.slice(1)}`,
      polNo: spec.polNo,
      riskCode,
      riskName: { DAA: '机动车商业保险', DZA: '机动车交通事故责任强制保险', EAK: '个人意外伤害保险' }[riskCode] ?? '机动车商业保险',
      polStatus: statusByBizType[bizType],
      appli: { ...holder },
      insured: variant % 2 === 0 ? [{ ...holder }] : [{ ...holder }, { ...spouse }],
      ...(motor ? { car: { ...CARS[variant % CARS.length] } } : {}),
      sumPremium: spec.sumPremiumFen ?? (riskCode === 'DZA' ? 95000 : 386050 + variant * 1234),
      sumAmount: riskCode === 'DZA' ? 20000000 : 150000000,
      currency: 'CNY',
      startDate: '20261201',
      endDate: '20271130',
      signTime: '2026-11-23 11:12:45',
      channelCode: ['02', '05', '04', '01'][variant % 4],
      agentCode: variant % 4 === 0 ? 'AG4403001207' : null,
    },
  };
}

/** Beijing local time `yyyy-MM-dd HH:mm:ss` to the ISO instant the feed stamps as updatedAt. */
function feedStamp(localTime: string): string {
  return new Date(`${localTime.replace(' ', 'T')}+08:00`).toISOString();
}

/** The policy numbers of the simulator's seed, in order; the claims simulator's seed claims on them. */
export function seedPolicyNumbers(): string[] {
  return Array.from({ length: 6 }, (_, i) =>
    policyNumber(i % 3 === 2 ? 'DZA' : 'DAA', ['440300', '310100', '110100', '330100', '510100', '440100'][i] as string, 12345 + i),
  );
}

/** The simulator's seed: twelve events over six policies, from issue to cancellation, with updatedAt set. */
export function seedPolicyAdminEvents(): PolicyAdminEvent[] {
  const events: PolicyAdminEvent[] = [];
  const policyNumbers = seedPolicyNumbers();
  for (let i = 0; i < 6; i++) {
    const polNo = policyNumbers[i] as string;
    const eventTime = `2026-11-${String(10 + i).padStart(2, '0')} 09:${String(10 + i).padStart(2, '0')}:00`;
    events.push({ ...policyAdminEvent({ eventNo: `PE2026110${i}000001`, polNo, variant: i, eventTime }), updatedAt: feedStamp(eventTime) });
  }
  const later: Array<[number, PolicyEventSpec['bizType']]> = [
    [0, 'ENDORSE'],
    [1, 'RENEW'],
    [2, 'LAPSE'],
    [3, 'CANCEL'],
    [4, 'ENDORSE'],
    [5, 'CANCEL'],
  ];
  for (const [i, bizType] of later) {
    const first = events[i] as PolicyAdminEvent;
    const eventTime = `2026-11-${String(20 + i).padStart(2, '0')} 14:30:00`;
    events.push({
      ...policyAdminEvent({ eventNo: `PE2026112${i}000002`, polNo: String(first.policy.polNo), variant: i, bizType, eventTime }),
      updatedAt: feedStamp(eventTime),
    });
  }
  return events;
}
