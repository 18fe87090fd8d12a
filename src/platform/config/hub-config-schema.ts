import { adminSettingsSchema } from '../../interfaces/api/admin-settings.js';
import { customerViewSettingsSchema } from '../../domain/customer-view/customer-view-settings.js';
import { INSTANCE_NAME_PATTERN, instanceSettingsSchema } from './instance-settings-schema.js';

/**
 * The hub config file (crm-hub.yaml): connector instances by name and the single customer view's settings. Top-level keys starting with
 * `x-` are free, as in docker compose: a place for YAML anchors of shared settings (`<<: *retry`).
 */
export const hubConfigSchema = {
  type: 'object',
  additionalProperties: false,
  patternProperties: { '^x-': {} },
  properties: {
    connectors: {
      type: 'object',
      default: {},
      propertyNames: { pattern: INSTANCE_NAME_PATTERN },
      additionalProperties: instanceSettingsSchema,
      description: 'Connector instances by name; the name is also the consumer group and webhook path.',
    },
    customerView: customerViewSettingsSchema,
    admin: adminSettingsSchema,
  },
} as const;
