/**
 * Claim events in the claims system's own JSON (flat, amounts in yuan, yyyyMMdd dates, Beijing
 * local times, its codes): the seed of the claims simulator and the input of the connector's tests.
 * Deterministic: the same call always builds the same events.
 */
import { seedPolicyNumbers } from './policy-admin-events.js';

export type ClaimsEvent = Record<string, unknown> & { msgId: string; registNo: string };

/** Handling steps in order, with the status the claim has after each. */
export const CLAIM_STEPS = [
  { nodeCode: 'REPORT', claimStatus: '0' },
  { nodeCode: 'REGIST', claimStatus: '1' },
  { nodeCode: 'SURVEY', claimStatus: '2' },
  { nodeCode: 'VERIFY', claimStatus: '3' },
  { nodeCode: 'PAY', claimStatus: '4' },
  { nodeCode: 'ENDCASE', claimStatus: '5' },
] as const;

const LOSSES = [
  {
    damageCode: '01',
    licenseNo: '沪AD12345',
    damageAddress: '上海市浦东新区世纪大道与张杨路交叉口',
    damageRemark: '在世纪大道与张杨路口等红灯时被后车追尾，后保险杠及尾灯受损，无人员受伤。',
    reserve: '12500.00',
    custNo: 'C310100000456',
  },
  {
    damageCode: '05',
    licenseNo: '粤B12345',
    damageAddress: '广东省深圳市南山区科技南十二路地下停车场',
    damageRemark: '暴雨导致地下车库进水，车辆涉水熄火。',
    reserve: '48000.00',
    custNo: 'C440300000123',
  },
  {
    damageCode: '06',
    licenseNo: '京N8K2M7',
    damageAddress: '北京市朝阳区建国路88号',
    damageRemark: '高速行驶中前挡风玻璃被飞石击裂。',
    reserve: '3200.00',
    custNo: null,
  },
  {
    damageCode: '21',
    licenseNo: null,
    damageAddress: '浙江省杭州市西湖区浙江大学医学院附属第一医院',
    damageRemark: '急性阑尾炎住院手术治疗。',
    reserve: '26800.50',
    custNo: 'C330100000789',
  },
] as const;

/** A claim (报案) number: R + riskCode + year + 6-digit division + 8-digit sequence, e.g. RDAA202631010000098765. */
export function claimNumber(riskCode: string, division: string, sequence: number, year = 2026): string {
  return `R${riskCode}${year}${division}${String(sequence).padStart(8, '0')}`;
}

export interface ClaimEventSpec {
  msgId: string;
  registNo: string;
  policyNo: string;
  /** Index into CLAIM_STEPS: how far the claim has gone. */
  step?: number;
  /** Picks the loss. */
  variant?: number;
  /** Beijing local time of the step, yyyy-MM-dd HH:mm:ss. */
  nodeTime?: string;
  /** Beijing local time the loss was reported, yyyy-MM-dd HH:mm:ss; the loss happened that day. */
  reportTime?: string;
}

/** One event of a claim at a given step; once paid, the reserve is released into the paid amount. */
export function claimsEvent(spec: ClaimEventSpec): ClaimsEvent {
  const step = CLAIM_STEPS[spec.step ?? 0] ?? CLAIM_STEPS[0];
  const loss = LOSSES[(spec.variant ?? 0) % LOSSES.length] ?? LOSSES[0];
  const paidOut = step.nodeCode === 'PAY' || step.nodeCode === 'ENDCASE';
  return {
    msgId: spec.msgId,
    nodeCode: step.nodeCode,
    nodeTime: spec.nodeTime ?? '2026-12-15 19:42:10',
    registNo: spec.registNo,
    claimNo: step.nodeCode === 'REPORT' ? null : `C${spec.registNo.slice(1)}`,
    policyNo: spec.policyNo,
    custNo: loss.custNo,
    damageDate: (spec.reportTime ?? '2026-12-15').slice(0, 10).replaceAll('-', ''),
    reportTime: spec.reportTime ?? '2026-12-15 19:42:10',
    damageCode: loss.damageCode,
    damageRemark: loss.damageRemark,
    damageAddress: loss.damageAddress,
    licenseNo: loss.licenseNo,
    claimStatus: step.claimStatus,
    sumReserve: paidOut ? '0.00' : loss.reserve,
    sumPaid: paidOut ? loss.reserve : '0.00',
    currency: 'CNY',
  };
}

/** Beijing local time `yyyy-MM-dd HH:mm:ss` of an instant. */
export function beijingLocalTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The simulator's seed: four claims taken through their first steps, with updatedAt set, each on a
 * policy of the policy admin simulator's seed in the same region, so that a demo hub finds the
 * policy behind every claim (loss ratios, the claims-loss-ratio-flag flow). The claims were reported
 * in the five days before `now` and every step lies in the past: a seed in the future would give
 * records an occurredAt to come and push the feed's change stamps past every later event.
 * The same `now` gives the same events.
 */
export function seedClaimsEvents(now: number = Date.now()): ClaimsEvent[] {
  const events: ClaimsEvent[] = [];
  const policyNumbers = seedPolicyNumbers();
  const HOUR = 3600_000;
  // Whole minutes, so that a seed built twice within a minute is the same.
  const start = Math.floor(now / 60_000) * 60_000 - 5 * 24 * HOUR;
  for (let i = 0; i < 4; i++) {
    const registNo = claimNumber(i === 3 ? 'EAK' : 'DAA', ['310100', '440300', '110100', '330100'][i] as string, 98765 + i);
    const policyNo = policyNumbers[[1, 0, 2, 3][i] as number] as string;
    const reported = start + i * 24 * HOUR;
    for (let step = 0; step <= i + 2 && step < CLAIM_STEPS.length; step++) {
      const at = reported + step * 4 * HOUR;
      const nodeTime = beijingLocalTime(at);
      events.push({
        ...claimsEvent({
          msgId: `CM20261215${i}${step}`,
          registNo,
          policyNo,
          step,
          variant: i,
          nodeTime,
          reportTime: beijingLocalTime(reported),
        }),
        updatedAt: new Date(at).toISOString(),
      });
    }
  }
  return events;
}
