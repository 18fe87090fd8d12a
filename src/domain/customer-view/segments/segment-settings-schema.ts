import type { FromSchema } from 'json-schema-to-ts';
import { DEFAULT_SEGMENT, DEFAULT_SEGMENT_RULES } from './default-segment-rules.js';
import { VALUE_SEGMENTS } from './value-segment.js';

/** Settings of customer value segmentation (section `segments` of the config). */
export const segmentSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'How customers are put in value segments (crmhub.customer.ValueSegment) from the facts of their policies and claims.',
  properties: {
    rules: {
      type: 'array',
      default: DEFAULT_SEGMENT_RULES,
      description:
        'Ordered rules; the first whose condition holds gives the segment. Conditions are JSONata over the facts annualPremium, tenureYears, productsHeld, productLines, claimsCount, claimsPaid and lossRatio (null while nothing is earned: write `lossRatio = null or lossRatio < 0.6`).',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['segment', 'when'],
        properties: {
          segment: { type: 'string', enum: VALUE_SEGMENTS, description: 'The segment this rule gives.' },
          when: {
            type: 'string',
            minLength: 1,
            description: 'JSONata condition on the customer facts, e.g. `annualPremium >= 50000 and tenureYears >= 3`.',
          },
        },
      },
    },
    default: { type: 'string', enum: VALUE_SEGMENTS, default: DEFAULT_SEGMENT, description: 'The segment of a customer no rule matches.' },
  },
} as const;

export type SegmentSettings = FromSchema<typeof segmentSettingsSchema>;
