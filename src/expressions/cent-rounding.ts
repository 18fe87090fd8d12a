import { ExpressionEvaluationError } from './expression-evaluation-error.js';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * An amount rounded to cents, half away from zero as Chinese invoicing and most ledgers round
 * (2.675 → 2.68, -2.675 → -2.68), as a number. Accepts numbers and decimal strings, the in-memory
 * form of Avro decimals ("3860.505"). The rounding works on the decimal digits, not on the binary
 * value: 1.005 is meant as one yuan and half a cent, although the nearest double is just below it.
 */
export function roundToCents(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  let text: string;
  if (typeof value === 'number' && Number.isFinite(value)) text = plainDecimal(value);
  else if (typeof value === 'string' && DECIMAL.test(value)) text = value;
  else
    throw new ExpressionEvaluationError(
      `$round2 takes a number or a decimal string, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`,
    );
  const [, sign, whole, fraction = ''] = DECIMAL.exec(text) as RegExpExecArray;
  let cents = BigInt(`${whole}${fraction.slice(0, 2).padEnd(2, '0')}`);
  if ((fraction[2] ?? '0') >= '5') cents += 1n;
  const digits = cents.toString().padStart(3, '0');
  const result = Number(`${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`);
  return Object.is(result, -0) ? 0 : result;
}

/** The shortest decimal text of a number without an exponent (1e-7 → "0.0000001"). */
function plainDecimal(value: number): string {
  const text = String(value);
  if (!text.includes('e')) return text;
  // Beyond 1e21 there are no cents to round; below 1e-6 the amount rounds to zero.
  return Math.abs(value) >= 1 ? BigInt(value).toString() : value.toFixed(20);
}
