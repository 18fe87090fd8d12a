import type { ConnectorDefinition } from '../sdk/connector-definition.js';
import { redactSecrets } from '../../platform/observability/schema-secret-redaction.js';
import { withoutSecrets } from '../../platform/observability/secret-scrubbing.js';
import type { ConnectorInstanceConfig } from './connector-instance-config.js';
import { instanceSettingsSchema } from './instance-settings-schema.js';

/**
 * A copy of an instance config fit for logs and the API: every value under a `writeOnly: true`
 * property of the connector's spec, and the webhook secret (marked the same way in the runtime
 * settings schema), becomes "[redacted]"; so does every value that came from `${ENV}` (registered
 * as a secret when the file was read), wherever it sits — a whole field or part of a URL — and the
 * user info and credential parameters of URLs. The secret marker lives in the schema only, so a
 * new secret field is redacted without touching this code.
 */
export function redactConfig(instance: ConnectorInstanceConfig, definition: ConnectorDefinition): ConnectorInstanceConfig {
  const settings = redactSecrets(instance, instanceSettingsSchema) as ConnectorInstanceConfig;
  return scrubStrings({ ...settings, config: redactSecrets(instance.config, definition.spec) as Record<string, unknown> });
}

function scrubStrings<T>(value: T): T {
  if (typeof value === 'string') return withoutSecrets(value) as T;
  if (Array.isArray(value)) return value.map(scrubStrings) as T;
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, scrubStrings(child)])) as T;
  return value;
}
