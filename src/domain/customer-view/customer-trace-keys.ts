import type { CustomerProfile } from './customer-directory.js';
import { KEY_SEPARATOR } from '../../platform/avro/topic-info.js';

/**
 * The Kafka keys of everything about the customers a lookup found: their golden ids (and those
 * merged into them), each member's id in its own system (CRM customer, policy, claim, ticket, ERP
 * customer: the business keys of those topics) with its `system@id` cross-reference key, and the
 * policies the golden record lists. What a trace by key reads when given one customer's identifier.
 */
export function customerTraceKeys(profiles: readonly CustomerProfile[]): string[] {
  const keys = new Set<string>();
  for (const profile of profiles) {
    const golden = profile.golden;
    if (typeof golden.goldenId === 'string') keys.add(golden.goldenId);
    for (const merged of profile.mergedFrom) keys.add(merged);
    for (const member of profile.crossReferences) {
      keys.add(member.systemId);
      keys.add(`${member.system}${KEY_SEPARATOR}${member.systemId}`);
    }
    for (const policy of Array.isArray(golden.policyNumbers) ? golden.policyNumbers : []) if (typeof policy === 'string') keys.add(policy);
  }
  return [...keys];
}
