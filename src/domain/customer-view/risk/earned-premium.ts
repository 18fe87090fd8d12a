import { dayNumberOf } from './calendar-day.js';
import { CustomerViewDataError } from './customer-view-data-error.js';
import { centsOf, divideRounded } from './money-cents.js';
import type { PolicyJson } from './policy-json.js';

/**
 * The part of a policy's premium earned by the end of day `asOf`, in cents: the premium times the
 * share of cover days that have run, both ends of the cover period counted (2026-12-01 to
 * 2027-11-30 is 365 days, and the policy has earned all of it at the end of 2027-11-30). Prorated
 * by days, rounded half away from zero to the cent.
 *
 * - PENDING: nothing, cover has not been bound.
 * - IN_FORCE, EXPIRED: by the dates alone.
 * - CANCELLED, LAPSED: cover stops on `endedOn`, the day the book first saw the policy in that
 *   state, which earns nothing itself; when that day is not known (the record carried no event
 *   time), the policy is prorated up to `asOf` like one in force, which overstates earned premium
 *   for the days after it ended rather than invent a date.
 */
export function earnedPremiumCents(policy: PolicyJson, asOf: number, endedOn?: number): bigint {
  const premium = centsOf(policy.premium.amount, `premium of policy ${policy.policyNumber}`);
  if (policy.status === 'PENDING') return 0n;
  const start = dayNumberOf(policy.effectiveDate, `effectiveDate of policy ${policy.policyNumber}`);
  const end = dayNumberOf(policy.expiryDate, `expiryDate of policy ${policy.policyNumber}`);
  if (end < start) throw new CustomerViewDataError('POLICY_PERIOD_INVALID', `policy ${policy.policyNumber} expires before it starts`);
  const stopped = (policy.status === 'CANCELLED' || policy.status === 'LAPSED') && endedOn !== undefined;
  const lastEarnedDay = stopped ? Math.min(asOf, endedOn - 1) : asOf;
  const coverDays = end - start + 1;
  const elapsedDays = Math.min(Math.max(lastEarnedDay - start + 1, 0), coverDays);
  return divideRounded(premium * BigInt(elapsedDays), BigInt(coverDays));
}
