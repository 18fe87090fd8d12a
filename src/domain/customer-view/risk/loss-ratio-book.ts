import { CHINA_STANDARD_TIME_OFFSET_MINUTES, dayNumberOf, dayNumberOfInstant } from './calendar-day.js';
import type { ClaimJson } from './claim-json.js';
import { CustomerViewDataError } from './customer-view-data-error.js';
import { earnedPremiumCents } from './earned-premium.js';
import type { CustomerLossRatio, PolicyLossRatio } from './loss-ratio.js';
import { centsOf, formatCents, ratioOf } from './money-cents.js';
import type { PolicyJson } from './policy-json.js';

export interface LossRatioBookOptions {
  /** Offset from UTC of the days policies are dated in; default China Standard Time (+480). */
  utcOffsetMinutes?: number;
}

// Currency reported for a policy the book knows nothing of: the default of crmhub.common.Money.
const DEFAULT_CURRENCY = 'CNY';

/**
 * The latest state of policies (by policyNumber) and claims (by claimNumber), from which loss
 * ratios are computed at any day. Pure memory: the caller feeds it the policy and claim topics and
 * decides what to persist. A version replaces the one held unless its meta.occurredAt is earlier
 * than the held one's, so a redelivered old event cannot undo a newer state.
 */
export class LossRatioBook {
  private readonly policiesByNumber = new Map<string, PolicyJson>();
  /** Day (number) cover stopped, for policies held as CANCELLED or LAPSED; see earnedPremiumCents. */
  private readonly endedOn = new Map<string, number>();
  private readonly claimsByNumber = new Map<string, ClaimJson>();
  private readonly claimNumbersByPolicy = new Map<string, Set<string>>();
  private readonly utcOffsetMinutes: number;

  constructor(options: LossRatioBookOptions = {}) {
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? CHINA_STANDARD_TIME_OFFSET_MINUTES;
  }

  /** Holds `value` as the policy's latest state; false when it is older than the one held. */
  upsertPolicy(value: PolicyJson): boolean {
    const held = this.policiesByNumber.get(value.policyNumber);
    if (held && isOlder(value, held)) return false;
    this.policiesByNumber.set(value.policyNumber, value);
    if (!isStopped(value)) this.endedOn.delete(value.policyNumber);
    else if (!held || !isStopped(held) || !this.endedOn.has(value.policyNumber)) {
      // The first version seen in a stopped state is the event that stopped it.
      const day = dayNumberOfInstant(value.meta?.occurredAt, this.utcOffsetMinutes);
      if (day === undefined) this.endedOn.delete(value.policyNumber);
      else this.endedOn.set(value.policyNumber, day);
    }
    return true;
  }

  /** Holds `value` as the claim's latest state, under the policy it now names; false when it is older than the one held. */
  upsertClaim(value: ClaimJson): boolean {
    const held = this.claimsByNumber.get(value.claimNumber);
    if (held && isOlder(value, held)) return false;
    if (held && held.policyNumber !== value.policyNumber) this.claimNumbersByPolicy.get(held.policyNumber)?.delete(value.claimNumber);
    this.claimsByNumber.set(value.claimNumber, value);
    let numbers = this.claimNumbersByPolicy.get(value.policyNumber);
    if (!numbers) this.claimNumbersByPolicy.set(value.policyNumber, (numbers = new Set()));
    numbers.add(value.claimNumber);
    return true;
  }

  policy(policyNumber: string): PolicyJson | undefined {
    return this.policiesByNumber.get(policyNumber);
  }

  /** Every policy held, latest versions. */
  policies(): IterableIterator<PolicyJson> {
    return this.policiesByNumber.values();
  }

  /** The latest version of every claim made under the policy, rejected ones included, in claim number order. */
  claimsOf(policyNumber: string): ClaimJson[] {
    const numbers = [...(this.claimNumbersByPolicy.get(policyNumber) ?? [])].sort();
    return numbers.map((number) => this.claimsByNumber.get(number) as ClaimJson);
  }

  policyLossRatio(policyNumber: string, asOf: string): PolicyLossRatio {
    const totals = this.totalsOf(policyNumber, dayNumberOf(asOf, 'asOf'));
    return { policyNumber, ...present(totals) };
  }

  /** The totals over the customer's policies (repeated numbers counted once). All must be in one currency. */
  customerLossRatio(policyNumbers: Iterable<string>, asOf: string): CustomerLossRatio {
    const day = dayNumberOf(asOf, 'asOf');
    const numbers = [...new Set(policyNumbers)].sort();
    const each = numbers.map((policyNumber) => ({ policyNumber, totals: this.totalsOf(policyNumber, day) }));
    const currencies = new Set(each.flatMap((entry) => (entry.totals.currency === undefined ? [] : [entry.totals.currency])));
    if (currencies.size > 1)
      throw new CustomerViewDataError(
        'CURRENCY_MISMATCH',
        `policies ${numbers.join(', ')} are in several currencies (${[...currencies].sort().join(', ')}); their totals cannot be added`,
      );
    const sum: Totals = { currency: [...currencies][0] ?? DEFAULT_CURRENCY, earned: 0n, paid: 0n };
    for (const { totals } of each) {
      sum.earned += totals.earned;
      sum.paid += totals.paid;
    }
    return { asOf, ...present(sum), policies: each.map(({ policyNumber, totals }) => ({ policyNumber, ...present(totals) })) };
  }

  private totalsOf(policyNumber: string, asOf: number): Totals {
    const policy = this.policiesByNumber.get(policyNumber);
    const claims = this.claimsOf(policyNumber).filter((claim) => claim.status !== 'REJECTED');
    const currency = policy?.premium.currency ?? claims[0]?.paid.currency;
    let paid = 0n;
    for (const claim of claims) {
      if (claim.paid.currency !== currency)
        throw new CustomerViewDataError(
          'CURRENCY_MISMATCH',
          `claim ${claim.claimNumber} is paid in ${claim.paid.currency}, policy ${policyNumber} in ${currency}`,
        );
      paid += centsOf(claim.paid.amount, `paid of claim ${claim.claimNumber}`);
    }
    const earned = policy ? earnedPremiumCents(policy, asOf, this.endedOn.get(policyNumber)) : 0n;
    return { currency, earned, paid };
  }
}

interface Totals {
  /** Undefined for a policy the book knows nothing of, neither the policy nor a claim. */
  currency: string | undefined;
  earned: bigint;
  paid: bigint;
}

function present(totals: Totals): Omit<PolicyLossRatio, 'policyNumber'> {
  return {
    currency: totals.currency ?? DEFAULT_CURRENCY,
    earnedPremium: formatCents(totals.earned),
    claimsPaid: formatCents(totals.paid),
    lossRatio: ratioOf(totals.paid, totals.earned),
  };
}

function isStopped(policy: PolicyJson): boolean {
  return policy.status === 'CANCELLED' || policy.status === 'LAPSED';
}

/** Whether `incoming` happened before `held`; a version without a readable event time is never older. */
function isOlder(incoming: { meta?: { occurredAt?: string } | null }, held: { meta?: { occurredAt?: string } | null }): boolean {
  const incomingAt = Date.parse(incoming.meta?.occurredAt ?? '');
  const heldAt = Date.parse(held.meta?.occurredAt ?? '');
  return !Number.isNaN(incomingAt) && !Number.isNaN(heldAt) && incomingAt < heldAt;
}
