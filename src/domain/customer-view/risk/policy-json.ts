/**
 * The parts of a crmhub.policy.Policy value (schemas/policy/Policy.avsc, in its JSON form) the
 * customer view reads. Narrow on purpose: any full Policy value fits.
 */
export type PolicyStatus = 'PENDING' | 'IN_FORCE' | 'LAPSED' | 'CANCELLED' | 'EXPIRED';

/** crmhub.common.Money: the amount as a decimal string with two places, e.g. "3860.50". */
export interface MoneyJson {
  amount: string;
  currency: string;
}

export interface PolicyJson {
  meta?: { occurredAt?: string } | null;
  policyNumber: string;
  productLine: string;
  productName: string;
  holder: { customerId?: string | null; name: string };
  premium: MoneyJson;
  /** First day of cover, YYYY-MM-DD. */
  effectiveDate: string;
  /** Last day of cover, YYYY-MM-DD. */
  expiryDate: string;
  status: PolicyStatus | string;
  agentCode?: string | null;
}
