import type { Identifier, PersonAttributes } from '../../../../src/domain/identity/identity-observation.js';
import type { MemberRecord } from '../../../../src/domain/identity/member-record.js';

/** A stored member record written compactly: `memberRecord('crm:C1', 'G1', [{ kind: 'mobile', value: '138…' }])`. */
export function memberRecord(
  key: string,
  goldenId: string,
  identifiers: Identifier[] = [],
  attributes: PersonAttributes = {},
  extra: Partial<MemberRecord> = {},
): MemberRecord {
  const [system = '', systemId = ''] = key.split(':');
  return {
    key,
    system,
    systemId,
    goldenId,
    identifiers: [{ kind: 'systemRef', value: key }, ...identifiers],
    attributes,
    observedAt: '2026-01-01T00:00:00.000Z',
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    matchedOn: 'new',
    confidence: 1,
    recentEvents: [],
    separatedFrom: [],
    ...extra,
  };
}
