import { redactSecretPatterns } from './secret-patterns.js';
import { secretRegistry, type SecretRegistry } from './secret-registry.js';

/**
 * The one rule for text leaving the hub — a log line, an API answer, a status's last error, a dead
 * letter's headers: every registered secret in any of its forms, and credentials recognisable by
 * their shape (URL user info, `Bearer …`, `token=…` query parameters), become `[redacted]`.
 */
export function withoutSecrets(text: string, registry: SecretRegistry = secretRegistry): string {
  return redactSecretPatterns(registry.redact(text));
}

/**
 * A JSON.stringify replacer that applies withoutSecrets to every string and every key: the API
 * answers through it (express's `json replacer`), so no route can show a secret, whatever it holds.
 */
export function secretFreeJsonReplacer(registry: SecretRegistry = secretRegistry): (this: unknown, key: string, value: unknown) => unknown {
  return function replace(_key, value) {
    if (typeof value === 'string') return withoutSecrets(value, registry);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    let renamed: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const clean = withoutSecrets(key, registry);
      if (clean === key) continue;
      renamed ??= { ...value };
      delete renamed[key];
      renamed[clean] = (value as Record<string, unknown>)[key];
    }
    return renamed ?? value;
  };
}
