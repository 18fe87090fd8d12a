import { ConfigError } from '../../../core/hub-error.js';
import { dayNumberOf } from '../risk/calendar-day.js';
import type { PolicyJson } from '../risk/policy-json.js';

/** A policy due for renewal and how many days are left until its last day (0: it ends today). */
export interface RenewalCandidate {
  policy: PolicyJson;
  daysToExpiry: number;
}

/**
 * The IN_FORCE policies whose last day is from `asOf` to `asOf + withinDays`, both included, the
 * soonest first (then by policy number, so that the list is the same on every run). A policy ending
 * today is still renewable; a cancelled, lapsed, pending or expired one is not.
 */
export function selectRenewals(policies: Iterable<PolicyJson>, asOf: string, withinDays: number): RenewalCandidate[] {
  if (!Number.isInteger(withinDays) || withinDays < 0)
    throw new ConfigError('RENEWAL_WINDOW_INVALID', `the renewal window must be a whole number of days from 0, not ${withinDays}`);
  const today = dayNumberOf(asOf, 'asOf');
  const candidates: RenewalCandidate[] = [];
  for (const policy of policies) {
    if (policy.status !== 'IN_FORCE') continue;
    const daysToExpiry = dayNumberOf(policy.expiryDate, `expiryDate of policy ${policy.policyNumber}`) - today;
    if (daysToExpiry >= 0 && daysToExpiry <= withinDays) candidates.push({ policy, daysToExpiry });
  }
  return candidates.sort((a, b) => a.daysToExpiry - b.daysToExpiry || compareText(a.policy.policyNumber, b.policy.policyNumber));
}

/** Code-unit order, the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
