import type { FromSchema } from 'json-schema-to-ts';

/** Settings of the renewal list (section `renewals` of the config); defaults are declared here only. */
export const renewalSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'The renewal campaign list (续保): in-force policies about to expire, with the holder from the single customer view.',
  properties: {
    schedule: {
      type: 'string',
      minLength: 1,
      default: '0 0 6 * * *',
      description: 'When the list is made: a node-cron expression, seconds first (default every day at 06:00).',
    },
    withinDays: {
      type: 'integer',
      minimum: 0,
      maximum: 366,
      default: 60,
      description: 'Policies whose last day is from today to this many days ahead, both included, are listed.',
    },
    topic: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]{1,249}$',
      default: 'policy.renewal-candidate.v1',
      description: 'Topic the candidates are produced to, one record per policy, keyed by policy number.',
    },
  },
} as const;

export type RenewalSettings = FromSchema<typeof renewalSettingsSchema>;
