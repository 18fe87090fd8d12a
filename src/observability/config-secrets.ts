import { REDACTED, redactSecrets } from '../config/config-redaction.js';

/**
 * The secret values of a config: everything under a property its schema marks `writeOnly`, as
 * text, and the password of each such value that is a URL (a connection string's password alone
 * turns up in a driver's messages). What counts as secret is decided by redactSecrets, so logs and
 * API output can never disagree about it.
 */
export function configSecrets(value: unknown, schema: unknown): string[] {
  const found: string[] = [];
  collect(value, redactSecrets(value, schema), found);
  return found.flatMap((secret) => [secret, ...urlPassword(secret)]);
}

function collect(original: unknown, redacted: unknown, found: string[]): void {
  if (redacted === REDACTED && original !== REDACTED) {
    leaves(original, found);
    return;
  }
  if (typeof original !== 'object' || original === null || typeof redacted !== 'object' || redacted === null) return;
  for (const [key, child] of Object.entries(original)) collect(child, (redacted as Record<string, unknown>)[key], found);
}

/** A secret object (a map of header values) is secret in every part. */
function leaves(value: unknown, found: string[]): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') found.push(String(value));
  else if (typeof value === 'object' && value !== null) for (const child of Object.values(value)) leaves(child, found);
}

function urlPassword(text: string): string[] {
  if (!text.includes('://')) return [];
  try {
    const password = new URL(text).password;
    return password === '' ? [] : [decodeURIComponent(password)];
  } catch {
    return [];
  }
}
