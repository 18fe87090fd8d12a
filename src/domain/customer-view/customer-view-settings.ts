import { compileConfigSchema } from '../../platform/config/config-schema-compiler.js';
import { identityResolutionSchema, type ResolverOptionsInput } from '../identity/resolver-options.js';
import { renewalSettingsSchema } from './renewals/renewal-settings-schema.js';
import { riskSettingsSchema } from './risk/risk-settings-schema.js';
import type { RiskThresholds } from './risk/risk-level.js';
import { segmentSettingsSchema } from './segments/segment-settings-schema.js';
import type { SegmentRulesConfig } from './segments/segment-rules.js';

/**
 * Section `customerView:` of crm-hub.yaml: the single customer view (identity resolution, risk,
 * value segments, renewal list). Every part has its defaults in its own schema, so an empty or
 * absent section runs the view with the documented defaults.
 */
export const customerViewSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'The single customer view: identity resolution into golden customers, loss-ratio risk, value segments and the renewal list.',
  properties: {
    enabled: {
      type: 'boolean',
      default: true,
      description: 'false: this hub process neither resolves identities nor serves lookups (another process does).',
    },
    identity: {
      ...identityResolutionSchema,
      description: 'Matching rules, their confidences and per-field survivorship of the golden record.',
    },
    risk: { ...riskSettingsSchema, default: {} },
    segments: { ...segmentSettingsSchema, default: {} },
    renewals: { ...renewalSettingsSchema, default: {} },
  },
} as const;

/** The section with every default applied. */
export interface CustomerViewSettings {
  enabled: boolean;
  identity: ResolverOptionsInput;
  risk: { thresholds: RiskThresholds };
  segments: SegmentRulesConfig;
  renewals: { schedule: string; withinDays: number; topic: string };
}

const defaultsHolder = { type: 'object', properties: { customerView: customerViewSettingsSchema } } as const;

/** The settings of a hub started without a config file: every default. */
export function defaultCustomerViewSettings(): CustomerViewSettings {
  // Validated as the hub config's property, where the section's own defaults apply.
  const root: { customerView?: unknown } = {};
  compileConfigSchema(defaultsHolder)(root);
  return root.customerView as CustomerViewSettings;
}
