/**
 * The value segments crm-hub assigns when the config names no rules of its own. Annual premium is
 * the premium of the policies in force (CNY); a loss ratio of null means nothing is earned yet,
 * which does not hold a customer back. First match wins:
 *
 * - PLATINUM: 50,000 a year or more, a customer for 3 years or more, and claims below 60% of earned premium.
 * - GOLD: 20,000 a year or more, or 10,000 over 3 or more product lines; and claims below earned premium.
 * - SILVER: 5,000 a year or more, or 2 or more product lines.
 * - BRONZE: any policy in force.
 * - otherwise UNCLASSIFIED (the default segment): nothing in force.
 */
export const DEFAULT_SEGMENT_RULES = [
  { segment: 'PLATINUM', when: 'annualPremium >= 50000 and tenureYears >= 3 and (lossRatio = null or lossRatio < 0.6)' },
  {
    segment: 'GOLD',
    when: '(annualPremium >= 20000 or (annualPremium >= 10000 and productsHeld >= 3)) and (lossRatio = null or lossRatio < 1)',
  },
  { segment: 'SILVER', when: 'annualPremium >= 5000 or productsHeld >= 2' },
  { segment: 'BRONZE', when: 'productsHeld >= 1' },
] as const;

/** The segment of a customer no rule matches. */
export const DEFAULT_SEGMENT = 'UNCLASSIFIED';
