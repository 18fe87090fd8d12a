import { ExpressionEvaluationError } from './expression-evaluation-error.js';

/**
 * The default tiers of `$segment`: the crmhub.customer.ValueSegment symbols by the lowest annual
 * premium (CNY) that reaches them. A flow with its own scheme passes its own tiers. (The segments
 * themselves, and the rules the customer view scores them by, are domain/customer-view/segments.)
 */
export const DEFAULT_AMOUNT_TIERS: Readonly<Record<string, number>> = { PLATINUM: 100_000, GOLD: 30_000, SILVER: 10_000, BRONZE: 0 };

/**
 * The tier an amount reaches: the name whose minimum is the highest one not above the amount, e.g.
 * `$segment(totalPremium)` → "GOLD", `$segment(totalPremium, {"VIP": 50000, "STANDARD": 0})` →
 * "VIP". Undefined when the amount is missing or below every tier.
 */
export function amountTier(amount: unknown, tiers: unknown = DEFAULT_AMOUNT_TIERS): string | undefined {
  if (amount === undefined || amount === null) return undefined;
  const value =
    typeof amount === 'number' ? amount : typeof amount === 'string' && /^[+-]?\d+(\.\d+)?$/.test(amount) ? Number(amount) : Number.NaN;
  if (!Number.isFinite(value)) throw new ExpressionEvaluationError('$segment takes an amount as a number or a decimal string');
  if (typeof tiers !== 'object' || tiers === null || Array.isArray(tiers))
    throw new ExpressionEvaluationError('$segment takes its tiers as an object of name → minimum amount');
  let best: { name: string; minimum: number } | undefined;
  for (const [name, minimum] of Object.entries(tiers)) {
    if (typeof minimum !== 'number') throw new ExpressionEvaluationError(`$segment: the minimum of tier ${name} must be a number`);
    if (minimum <= value && (best === undefined || minimum > best.minimum)) best = { name, minimum };
  }
  return best?.name;
}
