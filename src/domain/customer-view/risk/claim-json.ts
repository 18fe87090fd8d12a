import type { MoneyJson } from './policy-json.js';

/** The parts of a crmhub.claim.Claim value (schemas/claim/Claim.avsc, JSON form) the customer view reads. */
export interface ClaimJson {
  meta?: { occurredAt?: string } | null;
  claimNumber: string;
  policyNumber: string;
  /** REPORTED, REGISTERED, ASSESSING, APPROVED, PAID, CLOSED, REJECTED or REOPENED. */
  status: string;
  paid: MoneyJson;
}
