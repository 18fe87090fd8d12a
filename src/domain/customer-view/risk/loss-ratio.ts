/** A policy's earned premium against what its claims have paid, at a day. */
export interface PolicyLossRatio {
  policyNumber: string;
  /** ISO 4217 code of both amounts. */
  currency: string;
  /** Decimal string, e.g. "962.48". "0.00" for a policy the book has not seen yet. */
  earnedPremium: string;
  /** Paid on the policy's claims, rejected ones excluded; decimal string. */
  claimsPaid: string;
  /** claimsPaid / earnedPremium rounded to 4 decimals; null while nothing is earned. */
  lossRatio: number | null;
}

/** The same totals over all of a customer's policies, with the breakdown by policy. */
export interface CustomerLossRatio {
  /** The day the ratio is computed at, YYYY-MM-DD. */
  asOf: string;
  currency: string;
  earnedPremium: string;
  claimsPaid: string;
  lossRatio: number | null;
  /** One entry per distinct policy number, in policy number order. */
  policies: PolicyLossRatio[];
}
