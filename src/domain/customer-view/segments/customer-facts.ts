import { CHINA_STANDARD_TIME_OFFSET_MINUTES, dayNumberOf, dayNumberOfInstant } from '../risk/calendar-day.js';
import type { LossRatioBook } from '../risk/loss-ratio-book.js';
import { centsOf, yuanOf } from '../risk/money-cents.js';
import type { PolicyJson } from '../risk/policy-json.js';

/**
 * What segment rules see of a customer (the input of their JSONata expressions). Amounts are in
 * yuan as numbers, which the expressions compare; they are summed in cents first.
 */
export interface CustomerFacts {
  /** Sum of the premiums of the policies in force, in yuan. */
  annualPremium: number;
  /** Years since the customer's earliest policy started or the golden record was created, whichever is earlier; completed hundredths (2.999 is 2.99). */
  tenureYears: number;
  /** Number of distinct product lines among the policies in force. */
  productsHeld: number;
  /** Those product lines (MOTOR, HEALTH...), sorted. */
  productLines: string[];
  /** Claims on any of the customer's policies that were not rejected. */
  claimsCount: number;
  /** What those claims paid, in yuan. */
  claimsPaid: number;
  /** Claims paid over earned premium, 4 decimals; null while nothing is earned. */
  lossRatio: number | null;
}

/** The parts of a golden customer the facts are computed from. */
export interface FactsCustomer {
  policyNumbers: readonly string[];
  /** When the golden record was created, an ISO instant. */
  createdAt?: string | null;
}

export interface CustomerFactsOptions {
  /** Offset from UTC of the customer's calendar days (for createdAt); default China Standard Time. */
  utcOffsetMinutes?: number;
}

/**
 * The facts of a customer at the end of day `asOf`. A policy is in force when its status is
 * IN_FORCE and its last day is not before `asOf`: one past its expiry is expired in all but name,
 * its EXPIRED event not yet arrived. One issued ahead of its start is in force (it is sold).
 */
export function customerFacts(
  book: Pick<LossRatioBook, 'policy' | 'claimsOf' | 'customerLossRatio'>,
  customer: FactsCustomer,
  asOf: string,
  options: CustomerFactsOptions = {},
): CustomerFacts {
  const today = dayNumberOf(asOf, 'asOf');
  const policyNumbers = [...new Set(customer.policyNumbers)];
  const policies = policyNumbers.map((number) => book.policy(number)).filter((policy): policy is PolicyJson => policy !== undefined);
  const inForce = policies.filter(
    (policy) => policy.status === 'IN_FORCE' && dayNumberOf(policy.expiryDate, `expiryDate of policy ${policy.policyNumber}`) >= today,
  );
  const premium = inForce.reduce((sum, policy) => sum + centsOf(policy.premium.amount, `premium of policy ${policy.policyNumber}`), 0n);
  const productLines = [...new Set(inForce.map((policy) => policy.productLine))].sort();
  const claims = policyNumbers.flatMap((number) => book.claimsOf(number)).filter((claim) => claim.status !== 'REJECTED');
  const losses = book.customerLossRatio(policyNumbers, asOf);

  const starts = policies.map((policy) => dayNumberOf(policy.effectiveDate, `effectiveDate of policy ${policy.policyNumber}`));
  const created = dayNumberOfInstant(customer.createdAt, options.utcOffsetMinutes ?? CHINA_STANDARD_TIME_OFFSET_MINUTES);
  if (created !== undefined) starts.push(created);
  const since = starts.length > 0 ? Math.min(...starts) : undefined;

  return {
    annualPremium: yuanOf(premium),
    tenureYears: since === undefined ? 0 : completedYears(since, today),
    productsHeld: productLines.length,
    productLines,
    claimsCount: claims.length,
    claimsPaid: yuanOf(centsOf(losses.claimsPaid)),
    lossRatio: losses.lossRatio,
  };
}

/**
 * Whole years by anniversaries plus the hundredths of the year running, rounded down, so that a
 * rule `tenureYears >= 3` holds from the third anniversary on and not a day before. A 29 February
 * start has its anniversary on 28 February in other years.
 */
function completedYears(start: number, today: number): number {
  if (today <= start) return 0;
  const startDate = new Date(start * 86_400_000);
  const [year, month, day] = [startDate.getUTCFullYear(), startDate.getUTCMonth(), startDate.getUTCDate()];
  const anniversary = (years: number): number => {
    const lastDayOfMonth = new Date(Date.UTC(year + years, month + 1, 0)).getUTCDate();
    return Date.UTC(year + years, month, Math.min(day, lastDayOfMonth)) / 86_400_000;
  };
  let years = new Date(today * 86_400_000).getUTCFullYear() - year;
  if (anniversary(years) > today) years -= 1;
  const from = anniversary(years);
  const hundredths = Math.floor(((today - from) * 100) / (anniversary(years + 1) - from));
  return (years * 100 + hundredths) / 100;
}
