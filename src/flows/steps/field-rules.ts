import { isMainlandMobileNumber } from '../../domain/identifiers/mobile-number.js';
import { isCnPlateNumber } from '../../domain/identifiers/cn-plate-number.js';
import { residentIdNumber18 } from '../../domain/identifiers/resident-id-number.js';

/** The named rules a `validate` step can apply to a field. */
export const FIELD_RULE_NAMES = ['residentId', 'mobile', 'plate', 'email', 'notBlank'] as const;

export type FieldRuleName = (typeof FIELD_RULE_NAMES)[number];

// Deliberately plain: a local part, an @, a domain with a dot; no spaces. The mailbox's existence
// is the mail server's business, not a flow's.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * Whether a field value passes a rule. A missing or null value passes every rule but notBlank:
 * whether a field may be empty is the schema's (or notBlank's) decision, not the format rule's.
 */
export function passesRule(rule: FieldRuleName, value: unknown): boolean {
  if (rule === 'notBlank') return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
  if (value === undefined || value === null) return true;
  switch (rule) {
    case 'residentId':
      return residentIdNumber18(value) !== undefined;
    case 'mobile':
      return isMainlandMobileNumber(value);
    case 'plate':
      return isCnPlateNumber(value);
    case 'email':
      return typeof value === 'string' && EMAIL.test(value);
  }
}
