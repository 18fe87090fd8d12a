import type { ConfigSection } from '../../platform/config/config-section.js';
import type { ApiTokenConfig } from './api-tokens.js';

/**
 * Section `admin:` of crm-hub.yaml: who may use the admin API. Tokens are stored as SHA-256
 * hashes (`crm-hub token new` prints a token and its config entry), so the file holds nothing a
 * reader could call the API with.
 */
export const adminSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Access to the admin API and dashboard.',
  properties: {
    tokens: {
      type: 'array',
      default: [],
      description: 'API tokens by name and role; without any, the hub writes an admin token to <data dir>/admin-token at start.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role', 'sha256'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'Who holds it, shown in 403 answers and replay records' },
          role: {
            enum: ['viewer', 'operator', 'admin'],
            description: 'viewer reads; operator also pauses, resumes, restarts and replays; admin everything',
          },
          sha256: {
            type: 'string',
            pattern: '^[0-9a-fA-F]{64}$',
            description: 'Hex SHA-256 of the token (crm-hub token new, or: printf %s "$TOKEN" | sha256sum)',
          },
        },
      },
    },
    openPaths: {
      type: 'array',
      items: { type: 'string', enum: ['/health', '/ready', '/metrics'] },
      uniqueItems: true,
      default: ['/health', '/ready', '/metrics'],
      description: 'Routes answered without a token (probes and Prometheus scrapes); remove one to protect it with the viewer role.',
    },
  },
} as const;

export interface AdminSettings {
  tokens: ApiTokenConfig[];
  openPaths: string[];
}

/** The admin API's section of crm-hub.yaml: its schema says everything (defaults included). */
export const adminSection: ConfigSection<AdminSettings> = {
  schema: adminSettingsSchema,
  read: ({ value }) => ({ issues: [], settings: value as AdminSettings }),
};
