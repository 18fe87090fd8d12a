import type { ClaimJson } from '../../../../src/domain/customer-view/risk/claim-json.js';
import type { PolicyJson } from '../../../../src/domain/customer-view/risk/policy-json.js';
import { sampleClaim, samplePolicy } from '../../../fixtures/sample-records.js';

/*
 * Policies and claims for the customer view tests: the canonical samples (valid Policy and Claim
 * values) with the fields a test cares about changed. The sample policy runs from 2026-12-01 to
 * 2027-11-30 (365 days) for a premium of 3860.50 CNY.
 */

type Changes = Record<string, unknown>;

export function policyOf(changes: Changes = {}): PolicyJson & Record<string, unknown> {
  return { ...samplePolicy(), ...changes } as PolicyJson & Record<string, unknown>;
}

export function claimOf(changes: Changes = {}): ClaimJson & Record<string, unknown> {
  return { ...sampleClaim(), policyNumber: 'PDAA202644030000012345', ...changes } as ClaimJson & Record<string, unknown>;
}

export function money(amount: string, currency = 'CNY'): { amount: string; currency: string } {
  return { amount, currency };
}

/** An event envelope happening at `occurredAt`. */
export function metaAt(occurredAt: string): Record<string, string> {
  return { eventId: `event-${occurredAt}`, eventType: 'Test', sourceSystem: 'test', occurredAt, correlationId: 'corr-test' };
}
