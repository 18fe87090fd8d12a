import { plainDecimalText } from '../../core/plain-decimal-text.js';
const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * A decimal number held exactly as an unscaled bigint and a scale (3860.50 = 386050 × 10⁻²), the
 * way an Avro decimal carries it, so that summing amounts never drifts by a fraction of a cent the
 * way binary doubles do (0.1 + 0.2). A JSON number is taken at its shortest decimal text (0.1 is
 * 0.1, not the double nearest it), which is what the person who wrote it meant.
 */
export class ExactDecimal {
  static readonly ZERO = new ExactDecimal(0n, 0);

  private constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** A number or decimal text as an exact decimal; undefined for anything else (text that is not a number, NaN, Infinity). */
  static of(value: unknown): ExactDecimal | undefined {
    const text = plainDecimalText(value);
    const match = text === undefined ? null : DECIMAL_TEXT.exec(text);
    if (!match) return undefined;
    const [, sign, whole = '', fraction = ''] = match;
    const unscaled = BigInt(whole + fraction);
    return new ExactDecimal(sign === '-' ? -unscaled : unscaled, fraction.length);
  }

  /** The inverse of `text`, for stored state. */
  static parse(text: string): ExactDecimal | undefined {
    return DECIMAL_TEXT.test(text) ? ExactDecimal.of(text) : undefined;
  }

  plus(other: ExactDecimal): ExactDecimal {
    const scale = Math.max(this.scale, other.scale);
    return new ExactDecimal(this.rescaled(scale) + other.rescaled(scale), scale);
  }

  compare(other: ExactDecimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.rescaled(scale);
    const b = other.rescaled(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Plain digits with exactly `scale` places after the point ("3860.50"), as Avro decimals are held in memory. */
  text(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString().padStart(this.scale + 1, '0');
    const whole = digits.slice(0, digits.length - this.scale);
    const body = this.scale === 0 ? whole : `${whole}.${digits.slice(digits.length - this.scale)}`;
    return negative ? `-${body}` : body;
  }

  /** The double nearest the exact value: rounded once, at the end, never accumulated. */
  toNumber(): number {
    const result = Number(this.text());
    return Object.is(result, -0) ? 0 : result;
  }

  private rescaled(scale: number): bigint {
    return this.unscaled * 10n ** BigInt(scale - this.scale);
  }
}
