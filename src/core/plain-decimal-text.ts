const EXPONENT_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?e([+-]?\d+)$/i;

/**
 * The text of a number as plain decimal digits (1e-7 → "0.0000001", 1e+21 → "1000…0"), a string or
 * bigint as it is, or undefined when the value is not numeric. A JSON number is taken at its shortest
 * decimal text, which is what the person who wrote it meant; exact decimal arithmetic starts from it.
 */
export function plainDecimalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const text = String(value);
  const match = EXPONENT_TEXT.exec(text);
  if (!match) return text;
  // Large and tiny numbers print in exponent form (1e+21, 1e-7); shift the point by hand.
  const [, sign = '', integerDigits = '', fraction = '', exponentText = '0'] = match;
  const digits = integerDigits + fraction;
  const point = integerDigits.length + Number(exponentText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
