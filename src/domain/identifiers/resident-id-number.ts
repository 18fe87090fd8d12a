/*
 * Chinese resident identity card numbers (GB 11643-1999): 6-digit administrative division,
 * 8-digit birth date, 3-digit sequence (odd for men, even for women) and a check character over
 * the first 17 digits. Cards issued before 1999 carry the 15-digit form: 2-digit year and no check
 * character, which converts to the 18-digit form by inserting "19" and computing the check.
 */
import { accepted, refused, type IdentifierValidation } from './identifier-validation.js';

// The weight of digit i is 2^(17-i) mod 11; the check character is indexed by the weighted sum mod 11.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';

// Nobody alive was born before 1900; earlier dates are typing errors, not old people.
const EARLIEST_BIRTH_YEAR = 1900;

/**
 * The 18-character form of a valid number typed plainly (digits and X only; the 15-digit form
 * converted, `x` upper-cased), else undefined. Valid by the same rules as validateResidentIdNumber:
 * check character, a birth date that exists, from 1900 to `today`.
 */
export function residentIdNumber18(value: unknown, today?: string): string | undefined {
  if (typeof value !== 'string' || !/^\d{14}[\dXx]{1,4}$/.test(value)) return undefined;
  const validation = validateResidentIdNumber(value, today);
  return validation.ok ? validation.value : undefined;
}

/** The GB 11643 check character of the first 17 digits of a number. */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += Number(first17[index]) * (WEIGHTS[index] as number);
  return CHECK_CHARACTERS[sum % 11] as string;
}

function isCalendarDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; UTC so that no zone shifts it.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Birth date as YYYY-MM-DD, from a valid number. */
export function birthDateOfResidentId(value: unknown): string | undefined {
  const id = residentIdNumber18(value);
  return id === undefined ? undefined : `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/** MALE or FEMALE (the crmhub.customer.Gender symbols) from the sequence digit of a valid number. */
export function genderOfResidentId(value: unknown): 'MALE' | 'FEMALE' | undefined {
  const id = residentIdNumber18(value);
  return id === undefined ? undefined : Number(id[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
}

/**
 * Validates a resident ID number as an identity key, stricter than residentIdNumber18: the birth
 * date must also lie between 1900 and `today` (YYYY-MM-DD, default the current UTC day; pass the
 * event's day so that replaying old events gives the same answer). Full-width digits, spaces and
 * dashes, as people type them, are tolerated; the value is the 18-character form.
 */
export function validateResidentIdNumber(raw: unknown, today: string = new Date().toISOString().slice(0, 10)): IdentifierValidation {
  if (typeof raw !== 'string') return refused('resident ID number must be text');
  const compact = raw.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
  let id: string;
  if (/^\d{15}$/.test(compact)) {
    const first17 = `${compact.slice(0, 6)}19${compact.slice(6)}`;
    id = first17 + residentIdCheckCharacter(first17);
  } else if (/^\d{17}[\dX]$/.test(compact)) {
    if (residentIdCheckCharacter(compact.slice(0, 17)) !== compact[17])
      return refused('resident ID number check character does not match the first 17 digits');
    id = compact;
  } else {
    return refused('resident ID number must be 18 characters (17 digits and a digit or X) or the old 15-digit form');
  }
  if (id[0] === '0') return refused('resident ID number must not start with 0 (no administrative division code does)');
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isCalendarDate(id.slice(6, 14))) return refused('resident ID number holds a birth date that does not exist');
  if (Number(id.slice(6, 10)) < EARLIEST_BIRTH_YEAR) return refused(`resident ID number holds a birth date before ${EARLIEST_BIRTH_YEAR}`);
  if (birthDate > today) return refused('resident ID number holds a birth date in the future');
  return accepted(id);
}
