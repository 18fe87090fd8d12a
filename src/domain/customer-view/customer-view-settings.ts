import type { ConfigIssue } from '../../platform/config/config-issue.js';
import { compileConfigSchema } from '../../platform/config/config-schema-compiler.js';
import type { ConfigSection } from '../../platform/config/config-section.js';
import { identityResolutionSchema, type ResolverOptionsInput } from '../identity/resolver-options.js';
import { renewalSettingsSchema } from './renewals/renewal-settings-schema.js';
import { riskSettingsSchema } from './risk/risk-settings-schema.js';
import type { RiskThresholds } from './risk/risk-level.js';
import { segmentSettingsSchema } from './segments/segment-settings-schema.js';
import { compileSegmentRules, type SegmentRulesConfig } from './segments/segment-rules.js';

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

/** The customer view's section of crm-hub.yaml: defaults from its schema; segment rules are JSONata, checked by their compiler. */
export const customerViewSection: ConfigSection<CustomerViewSettings> = {
  schema: customerViewSettingsSchema,
  read({ value, path, yaml }) {
    const settings = (isObject(value) ? value : {}) as unknown as CustomerViewSettings;
    const issues: ConfigIssue[] = [];
    if (isObject(settings.segments)) {
      const compiled = compileSegmentRules(settings.segments);
      if (!compiled.ok)
        for (const issue of compiled.issues)
          issues.push(yaml.issueAt([...path, 'segments', ...segmentIssuePath(issue.path)], issue.code, issue.message));
    }
    return { issues, settings };
  },
};

/** `rules[2].when` → ['rules', 2, 'when'], as config issue paths are written. */
function segmentIssuePath(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const indexed = /^(.*)\[(\d+)\]$/.exec(part);
    return indexed ? [indexed[1]!, Number(indexed[2])] : [part];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
