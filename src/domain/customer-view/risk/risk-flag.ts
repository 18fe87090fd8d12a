import type { CustomerLossRatio, PolicyLossRatio } from './loss-ratio.js';
import { centsOf } from './money-cents.js';
import { isRiskRise, type RiskLevel } from './risk-level.js';

/** A customer's loss ratio and the level it puts the customer at. */
export interface CustomerRisk {
  level: RiskLevel;
  lossRatio: CustomerLossRatio;
}

/**
 * The fields of a crmhub.customer.CustomerFlag (schemas/customer/CustomerFlag.avsc) a loss-ratio
 * rise decides; the caller adds meta, customerId and raisedAt.
 */
export interface RiskFlag {
  flagType: 'HIGH_LOSS_RATIO';
  severity: 'WARNING' | 'CRITICAL';
  /** Names the ratio, the levels and the policies driving it; amounts and policy numbers only, no personal data. */
  reason: string;
  /** The policy whose claims paid the most. */
  policyNumber: string | null;
  claimNumber: null;
  /** The ratio as a decimal string with 4 places, as the flag's decimal(9,4) holds it. */
  lossRatio: string | null;
}

// Policies named in a reason; the rest are counted, so that the sentence stays one an agent reads.
const NAMED_POLICIES = 3;
// The largest value of the flag's decimal(9,4): a ratio over a few cents of earned premium can exceed it.
const LARGEST_FLAG_RATIO = 99999.9999;

/**
 * The flag to send to the CRM when a customer's risk level rises, else undefined: a level that
 * stays or falls raises nothing, so agents are told once per rise and not on every claim event.
 * NORMAL → WATCH is a WARNING; anything → HIGH is CRITICAL. A customer assessed for the first
 * time (`previousLevel` undefined) is taken to have been NORMAL.
 */
export function riskFlagFor(previousLevel: RiskLevel | undefined, current: CustomerRisk): RiskFlag | undefined {
  const previous = previousLevel ?? 'NORMAL';
  if (!isRiskRise(previous, current.level)) return undefined;
  const { lossRatio: totals } = current;
  const ratio = totals.lossRatio === null ? null : Math.min(totals.lossRatio, LARGEST_FLAG_RATIO).toFixed(4);
  const drivers = drivingPolicies(totals.policies);
  const named = drivers
    .slice(0, NAMED_POLICIES)
    .map(
      (policy) =>
        `${policy.policyNumber} (claims paid ${policy.claimsPaid}, loss ratio ${policy.lossRatio === null ? 'n/a' : policy.lossRatio.toFixed(4)})`,
    );
  const more = drivers.length > NAMED_POLICIES ? ` and ${drivers.length - NAMED_POLICIES} more` : '';
  const reason =
    `loss ratio ${ratio ?? 'n/a'} (claims paid ${totals.claimsPaid} ${totals.currency} over earned premium ${totals.earnedPremium} ${totals.currency} at ${totals.asOf}) ` +
    `rose from ${previous} to ${current.level}` +
    (named.length > 0 ? `; driven by ${drivers.length === 1 ? 'policy' : 'policies'} ${named.join(', ')}${more}` : '');
  return {
    flagType: 'HIGH_LOSS_RATIO',
    severity: current.level === 'HIGH' ? 'CRITICAL' : 'WARNING',
    reason,
    policyNumber: drivers[0]?.policyNumber ?? null,
    claimNumber: null,
    lossRatio: ratio,
  };
}

/** Policies with claims paid, the most paid first. */
function drivingPolicies(policies: readonly PolicyLossRatio[]): PolicyLossRatio[] {
  const paid = policies.map((policy) => ({ policy, cents: centsOf(policy.claimsPaid) })).filter((entry) => entry.cents > 0n);
  paid.sort((a, b) => (a.cents === b.cents ? a.policy.policyNumber.localeCompare(b.policy.policyNumber) : a.cents > b.cents ? -1 : 1));
  return paid.map((entry) => entry.policy);
}
