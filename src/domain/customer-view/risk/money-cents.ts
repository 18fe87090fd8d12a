import { CustomerViewDataError } from './customer-view-data-error.js';

const AMOUNT = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/;

/*
 * Money as integer cents (fen) in bigints: premiums and claim payments are decimal strings, and
 * adding or prorating them as binary floats would drift by fractions of a cent that then show up in
 * a loss ratio or a CSV total.
 */

/** "3860.50" → 386050n. At most two decimal places, as crmhub.common.Money carries. */
export function centsOf(amount: string, what = 'amount'): bigint {
  const match = typeof amount === 'string' ? AMOUNT.exec(amount) : null;
  if (!match) throw new CustomerViewDataError('MONEY_INVALID', `${what} is not a decimal amount with at most two decimal places`);
  const [, sign, whole, fraction = ''] = match;
  const cents = BigInt(`${whole}${fraction.padEnd(2, '0')}`);
  return sign === '-' ? -cents : cents;
}

/** 386050n → "3860.50", the form of an Avro decimal with scale 2. */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Cents as a number of yuan (386050n → 3860.5), for expressions and reports that want numbers. */
export function yuanOf(cents: bigint): number {
  return Number(formatCents(cents));
}

/** numerator / denominator rounded half away from zero to a whole number, exactly. */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new CustomerViewDataError('DIVISION_BY_ZERO', 'cannot divide an amount by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (2n * n + d) / (2n * d);
  return negative ? -quotient : quotient;
}

/**
 * numerator / denominator as a number rounded half away from zero to `decimals` places (4 by
 * default, as loss ratios are reported), computed on the integers so that 1/3 of 3860.50 is
 * exactly what a ledger says; null when the denominator is not positive (nothing to divide by).
 */
export function ratioOf(numerator: bigint, denominator: bigint, decimals = 4): number | null {
  if (denominator <= 0n) return null;
  const scale = 10n ** BigInt(decimals);
  return Number(divideRounded(numerator * scale, denominator)) / Number(scale);
}
