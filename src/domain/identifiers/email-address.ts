import { accepted, refused, type IdentifierValidation } from './identifier-validation.js';

// Deliberately plain, as in the validate step: a local part, an @, a domain with a dot, no spaces.
// Whether the mailbox exists is the mail server's business.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * An e-mail address in its compared form: trimmed and lower-cased. Lower-casing the local part is
 * not what RFC 5321 promises, but no mail provider people use distinguishes case, and the same
 * person typing `Zhang.Wei@` and `zhang.wei@` must be one key.
 */
export function validateEmailAddress(raw: unknown): IdentifierValidation {
  if (typeof raw !== 'string') return refused('e-mail address must be text');
  const value = raw.normalize('NFKC').trim().toLowerCase();
  if (value === '') return refused('e-mail address is empty');
  if (!EMAIL.test(value)) return refused('e-mail address must be a local part, an @ and a domain with a dot, without spaces');
  return accepted(value);
}
