import { isValueSegment, type ValueSegment } from '../segments/value-segment.js';
import type { RenewalRow } from './renewal-row.js';

/** crmhub.common.EventMetadata in its JSON form. */
export interface EventMetadataJson {
  eventId: string;
  eventType: string;
  sourceSystem: string;
  occurredAt: string;
  correlationId: string;
}

/** A crmhub.policy.RenewalCandidate value (schemas/policy/RenewalCandidate.avsc), JSON form. */
export interface RenewalCandidateRecord {
  meta: EventMetadataJson;
  policyNumber: string;
  productLine: string;
  productName: string;
  holderCustomerId: string | null;
  holderName: string;
  expiryDate: string;
  daysToExpiry: number;
  premium: { amount: string; currency: string };
  contactPhone: string | null;
  contactEmail: string | null;
  agentCode: string | null;
  goldenId: string | null;
  valueSegment: ValueSegment | null;
}

/**
 * The policy.renewal-candidate.v1 record of a row; the caller makes the envelope. A segment name
 * that is not a crmhub.customer.ValueSegment symbol goes out as null (unknown), since the record
 * could not be encoded with it.
 */
export function renewalCandidateRecord(row: RenewalRow, meta: EventMetadataJson): RenewalCandidateRecord {
  return {
    meta,
    policyNumber: row.policyNumber,
    productLine: row.productLine,
    productName: row.productName,
    holderCustomerId: row.holderCustomerId,
    holderName: row.holderName,
    expiryDate: row.expiryDate,
    daysToExpiry: row.daysToExpiry,
    premium: { amount: row.premium, currency: row.currency },
    contactPhone: row.mobile,
    contactEmail: row.email,
    agentCode: row.agentCode,
    goldenId: row.goldenId,
    valueSegment: isValueSegment(row.valueSegment) ? row.valueSegment : null,
  };
}
