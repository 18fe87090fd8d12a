import type { PolicyJson } from '../risk/policy-json.js';
import type { RenewalCandidate } from './renewal-selection.js';

/** What the single customer view knows of a policy holder, for the renewal campaign; a golden customer fits. */
export interface RenewalContact {
  goldenId: string;
  /** Null when no source gave a name; the row then has the name on the policy. */
  fullName?: string | null;
  mobile?: string | null;
  email?: string | null;
  valueSegment?: string | null;
}

/**
 * One line of the renewal list: the columns of the CSV (RENEWAL_CSV_COLUMNS) and what the
 * policy.renewal-candidate.v1 record needs besides (holderCustomerId).
 */
export interface RenewalRow {
  policyNumber: string;
  productLine: string;
  productName: string;
  expiryDate: string;
  daysToExpiry: number;
  /** Premium of the expiring period, decimal string. */
  premium: string;
  currency: string;
  /** The golden customer of the holder; null when the holder is not matched to one. */
  goldenId: string | null;
  /** The golden record's name, else the name on the policy. */
  holderName: string;
  /** The CRM customer id on the policy's holder, when matched. */
  holderCustomerId: string | null;
  mobile: string | null;
  email: string | null;
  valueSegment: string | null;
  agentCode: string | null;
}

/**
 * The rows of the candidates, in their order. `contactOf` finds the holder's golden customer;
 * without one the row still goes out with the name printed on the policy, so that the agent can
 * call the holder anyway.
 */
export function renewalRows(
  candidates: readonly RenewalCandidate[],
  contactOf: (policy: PolicyJson) => RenewalContact | undefined,
): RenewalRow[] {
  return candidates.map(({ policy, daysToExpiry }) => {
    const contact = contactOf(policy);
    return {
      policyNumber: policy.policyNumber,
      productLine: policy.productLine,
      productName: policy.productName,
      expiryDate: policy.expiryDate,
      daysToExpiry,
      premium: policy.premium.amount,
      currency: policy.premium.currency,
      goldenId: contact?.goldenId ?? null,
      holderName: contact?.fullName ?? policy.holder.name,
      holderCustomerId: policy.holder.customerId ?? null,
      mobile: contact?.mobile ?? null,
      email: contact?.email ?? null,
      valueSegment: contact?.valueSegment ?? null,
      agentCode: policy.agentCode ?? null,
    };
  });
}
