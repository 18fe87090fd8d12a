import { accepted, refused, type IdentifierValidation } from './identifier-validation.js';

/*
 * Mobile numbers as identity keys. A mobile belongs to one person (or one household), a landline
 * to a building: only mobiles identify. Numbers arrive as people typed them — `+86 138-1234-5678`,
 * `008613812345678`, `86 13812345678` — and are compared in one form: 11 digits for a mainland
 * number, `+` and the digits for any other country.
 */

const CN_MOBILE = /^1[3-9]\d{9}$/;
// With an area code (010-12345678, 0755-86001234, maybe an extension), without one, or a 400/800 service number.
const CN_LANDLINE = /^(?:0[1-9]\d{8,14}|[2-9]\d{6,7}|[48]00\d{7})$/;
// After +86 the trunk 0 of the area code is dropped: +86 10 88888888, +86 755 86001234.
const CN_LANDLINE_INTERNATIONAL = /^(?:10|2\d|[3-9]\d\d)\d{7,8}$/;
// E.164: at most 15 digits including the country code, which never starts with 0.
const E164 = /^[1-9]\d{6,14}$/;

const SEPARATORS = /[\s\-.()（）]/g;

type PhoneForm = { kind: 'mobile'; value: string } | { kind: 'landline' } | { kind: 'invalid'; reason: string };

function phoneForm(raw: unknown): PhoneForm {
  if (typeof raw !== 'string') return { kind: 'invalid', reason: 'phone number must be text' };
  const compact = raw.normalize('NFKC').replace(SEPARATORS, '');
  if (compact === '') return { kind: 'invalid', reason: 'phone number is empty' };
  const international = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : undefined;
  if (international !== undefined) {
    if (!/^\d+$/.test(international))
      return { kind: 'invalid', reason: 'phone number must hold digits only after the country code prefix' };
    if (international.startsWith('86')) return nationalForm(international.slice(2), true);
    return E164.test(international)
      ? { kind: 'mobile', value: `+${international}` }
      : { kind: 'invalid', reason: 'international phone number must have 7 to 15 digits including the country code' };
  }
  if (!/^\d+$/.test(compact)) return { kind: 'invalid', reason: 'phone number must hold digits only (spaces and dashes aside)' };
  // A bare 86 prefix is only recognisable in front of a complete mobile number.
  if (compact.length === 13 && compact.startsWith('86') && CN_MOBILE.test(compact.slice(2)))
    return { kind: 'mobile', value: compact.slice(2) };
  return nationalForm(compact, false);
}

function nationalForm(national: string, international: boolean): PhoneForm {
  if (CN_MOBILE.test(national)) return { kind: 'mobile', value: national };
  if ((international ? CN_LANDLINE_INTERNATIONAL : CN_LANDLINE).test(national)) return { kind: 'landline' };
  return { kind: 'invalid', reason: 'mobile number must be 11 digits starting 13 to 19, optionally after +86, 0086 or 86' };
}

/** A mobile number in its compared form (`13812345678`, `+85291234567`), or why it is not one; a landline is refused too. */
export function validateMobileNumber(raw: unknown): IdentifierValidation {
  const form = phoneForm(raw);
  if (form.kind === 'mobile') return accepted(form.value);
  return refused(form.kind === 'landline' ? 'phone number is a landline, not a mobile' : form.reason);
}

/** Whether a number is a mainland landline (or service number): valid as a phone, but no identifier. */
export function isLandlineNumber(raw: unknown): boolean {
  return phoneForm(raw).kind === 'landline';
}

/**
 * Whether a value is a mainland China mobile number, however it was typed (`13812345678`,
 * `+86 138 1234 5678`, `0086-138-1234-5678`): the `mobile` rule of a validate step and `$mobileValid`.
 * Separators are how people write a number, not a different number, so they are no reason to refuse
 * it; a mobile of another country or a landline is not one.
 */
export function isMainlandMobileNumber(raw: unknown): boolean {
  const form = phoneForm(raw);
  return form.kind === 'mobile' && !form.value.startsWith('+');
}
