import { riskSettingsSchema } from './risk-settings-schema.js';

/** How a customer's loss ratio stands against the thresholds, lowest first. */
export const RISK_LEVELS = ['NORMAL', 'WATCH', 'HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface RiskThresholds {
  watch: number;
  high: number;
}

const thresholdSchema = riskSettingsSchema.properties.thresholds.properties;

/** The thresholds of riskSettingsSchema when none are configured. */
export const DEFAULT_RISK_THRESHOLDS: Readonly<RiskThresholds> = Object.freeze({
  watch: thresholdSchema.watch.default,
  high: thresholdSchema.high.default,
});

/**
 * NORMAL below `watch`, WATCH from `watch`, HIGH from `high` (each threshold belongs to the level
 * it starts). A ratio that cannot be computed yet (nothing earned) is NORMAL: there is no evidence
 * of risk to act on.
 */
export function riskLevel(ratio: number | null, thresholds: RiskThresholds = DEFAULT_RISK_THRESHOLDS): RiskLevel {
  if (ratio === null) return 'NORMAL';
  if (ratio >= thresholds.high) return 'HIGH';
  if (ratio >= thresholds.watch) return 'WATCH';
  return 'NORMAL';
}

/** Whether `level` is above `than`. */
export function isRiskRise(than: RiskLevel, level: RiskLevel): boolean {
  return RISK_LEVELS.indexOf(level) > RISK_LEVELS.indexOf(than);
}
