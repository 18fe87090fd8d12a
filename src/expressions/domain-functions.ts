import { roundToCents } from './cent-rounding.js';
import { isMainlandMobileNumber } from '../domain/identifiers/mobile-number.js';
import { isCnPlateNumber } from '../domain/identifiers/cn-plate-number.js';
import type { FastFunction } from './fast-path-functions.js';
import { birthDateOfResidentId, genderOfResidentId, residentIdNumber18 } from '../domain/identifiers/resident-id-number.js';
import { amountTier } from './amount-tier.js';

/** A function crm-hub adds to JSONata, callable the same way from compiled and jsonata-evaluated expressions. */
export interface DomainFunction extends FastFunction {
  /** jsonata signature; every parameter is `x` (any value) because the implementation checks its own arguments. */
  signature: string;
  description: string;
}

// A missing argument gives a missing result, like JSONata's own functions, so that a filter on a
// field some records lack simply does not match them.
function unlessMissing<T>(check: (value: unknown) => T): (value?: unknown) => T | undefined {
  return (value) => (value === undefined ? undefined : check(value));
}

/**
 * The domain functions, registered once here and used by both evaluation paths: the fast path
 * calls them directly, jsonata through `registerFunction` on each expression.
 */
export const DOMAIN_FUNCTIONS: Readonly<Record<string, DomainFunction>> = {
  residentIdValid: {
    signature: '<x:b>',
    minArgs: 1,
    maxArgs: 1,
    description:
      'Whether a resident ID number is valid: GB 11643 check character, a birth date that exists, from 1900 to today (the 15-digit form is accepted).',
    call: unlessMissing((value) => residentIdNumber18(value) !== undefined),
  },
  birthDateFromId: {
    signature: '<x:s>',
    minArgs: 1,
    maxArgs: 1,
    description: 'Birth date (YYYY-MM-DD) from a valid resident ID number.',
    call: unlessMissing(birthDateOfResidentId),
  },
  genderFromId: {
    signature: '<x:s>',
    minArgs: 1,
    maxArgs: 1,
    description: 'MALE or FEMALE from a valid resident ID number.',
    call: unlessMissing(genderOfResidentId),
  },
  mobileValid: {
    signature: '<x:b>',
    minArgs: 1,
    maxArgs: 1,
    description:
      'Whether a phone number is a mainland China mobile number: 11 digits starting 13 to 19, optionally after +86, 0086 or 86, spaces and dashes allowed.',
    call: unlessMissing(isMainlandMobileNumber),
  },
  plateValid: {
    signature: '<x:b>',
    minArgs: 1,
    maxArgs: 1,
    description: 'Whether a vehicle plate is a mainland China plate (7 characters, 8 for new energy).',
    call: unlessMissing(isCnPlateNumber),
  },
  round2: {
    signature: '<x:n>',
    minArgs: 1,
    maxArgs: 1,
    description: 'An amount (number or decimal string) rounded half up to cents, as a number.',
    call: roundToCents,
  },
  segment: {
    signature: '<xx?:s>',
    minArgs: 1,
    maxArgs: 2,
    description: 'The value tier an amount reaches: PLATINUM, GOLD, SILVER, BRONZE by default, or the names of the tiers object given.',
    call: (amount, tiers) => amountTier(amount, tiers),
  },
};
