import type { FromSchema } from 'json-schema-to-ts';

/**
 * Settings of the customer risk view (section `risk` of the config); the defaults are declared
 * here and nowhere else.
 */
export const riskSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  description:
    "Loss-ratio watch on customers: when a customer's claims paid over earned premium rises past a threshold, a flag goes to the CRM.",
  properties: {
    thresholds: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Loss ratios (claims paid / earned premium) at which a customer becomes WATCH and HIGH; below watch is NORMAL.',
      properties: {
        watch: {
          type: 'number',
          minimum: 0,
          default: 0.6,
          description: 'From this loss ratio on the customer is WATCH, and a WARNING flag is raised when it rises to it.',
        },
        high: {
          type: 'number',
          minimum: 0,
          default: 1.0,
          description:
            'From this loss ratio on the customer is HIGH, and a CRITICAL flag is raised when it rises to it. Should be above watch.',
        },
      },
    },
  },
} as const;

export type RiskSettings = FromSchema<typeof riskSettingsSchema>;
