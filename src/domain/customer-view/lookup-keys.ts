import { validateEmailAddress } from '../identifiers/email-address.js';
import { validateMobileNumber } from '../identifiers/mobile-number.js';
import { validatePlateNumber } from '../identifiers/cn-plate-number.js';
import { validateResidentIdNumber } from '../identifiers/resident-id-number.js';

/** Index keys of what a golden customer is known by; the same function builds the index and reads a query. */
export const lookupKey = {
  golden: (goldenId: string) => `golden:${goldenId}`,
  residentId: (value: string) => `residentId:${value}`,
  mobile: (value: string) => `mobile:${value}`,
  email: (value: string) => `email:${value}`,
  policyNumber: (value: string) => `policyNumber:${value}`,
  plate: (value: string) => `plate:${value}`,
  /** A record of one system: `crm:C440300000123`. */
  member: (system: string, systemId: string) => `member:${system}:${systemId}`,
  /** Any system's id, for a caller who does not say which system: `C440300000123`. */
  anySystemId: (systemId: string) => `systemId:${systemId}`,
};

/**
 * What a looked-up text could be, most specific first: an agent types or pastes an ID number (old
 * 15-digit form too), a phone in any usual spelling, a plate with a dot, an e-mail, a policy or
 * claim number, `system:id`, or a golden id. Each reading is normalized the way the index is.
 */
export function lookupKeysFor(query: string): string[] {
  const text = query.trim();
  if (text === '') return [];
  const keys: string[] = [];
  const residentId = validateResidentIdNumber(text);
  if (residentId.ok) keys.push(lookupKey.residentId(residentId.value));
  const mobile = validateMobileNumber(text);
  if (mobile.ok) keys.push(lookupKey.mobile(mobile.value));
  const plate = validatePlateNumber(text);
  if (plate.ok) keys.push(lookupKey.plate(plate.value));
  if (text.includes('@')) {
    const email = validateEmailAddress(text);
    if (email.ok) keys.push(lookupKey.email(email.value));
  }
  const separator = text.indexOf(':');
  if (separator > 0) keys.push(lookupKey.member(text.slice(0, separator), text.slice(separator + 1)));
  keys.push(lookupKey.golden(text), lookupKey.policyNumber(text.toUpperCase()), lookupKey.anySystemId(text));
  return keys;
}
