import { redactSecrets } from './schema-secret-redaction.js';
import { isSecretKey } from './secret-keys.js';
import { REDACTED_SECRET, SHORTEST_SECRET } from './secret-registry.js';

// Query parameters that carry credentials by custom, beside every name isSecretKey takes for secret.
const CREDENTIAL_PARAMETER = /^(pwd|key|sig|signature|code)$/i;
const PLACEHOLDER = '\u2060';
const USER_NAME_KEYS = ['username', 'user', 'userName', 'login'];

/**
 * The secret values of a config: everything under a property its schema marks `writeOnly`, as
 * text; `user:password` where such a value has a user name beside it (what a Basic header
 * encodes); and, in every URL of the config whatever its field, the password of the user info
 * (with `user:password`) and the values of credential query parameters (`?token=…`, `api_key=…`).
 * What counts as a secret field is decided by redactSecrets, so logs and API output can never
 * disagree about it. Values too short to look for are left out (see SHORTEST_SECRET).
 */
export function configSecrets(value: unknown, schema: unknown): string[] {
  const found: string[] = [];
  collect(value, redactSecrets(value, schema), found, undefined);
  for (const text of strings(value)) found.push(...urlSecrets(text));
  return [...new Set(found)].filter((secret) => secret.length >= SHORTEST_SECRET);
}

function collect(original: unknown, redacted: unknown, found: string[], parent: Record<string, unknown> | undefined): void {
  if (redacted === REDACTED_SECRET && original !== REDACTED_SECRET) {
    const user = USER_NAME_KEYS.map((key) => parent?.[key]).find((name): name is string => typeof name === 'string' && name !== '');
    for (const secret of strings(original))
      found.push(secret, ...(user !== undefined && typeof original === 'string' ? [`${user}:${secret}`] : []));
    return;
  }
  if (typeof original !== 'object' || original === null || typeof redacted !== 'object' || redacted === null) return;
  for (const [key, child] of Object.entries(original))
    collect(child, (redacted as Record<string, unknown>)[key], found, original as Record<string, unknown>);
}

/** Every leaf as text; a secret object (a map of header values) is secret in every part. */
function strings(value: unknown): string[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

function urlSecrets(text: string): string[] {
  if (!text.includes('://')) return [];
  let url: URL;
  try {
    // A URL template's placeholders ({key}) are no URL syntax; marked, they leave the rest readable and are skipped.
    url = new URL(text.replace(/[{}]/g, PLACEHOLDER));
  } catch {
    return [];
  }
  const found: string[] = [];
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  if (url.password !== '') {
    const password = decode(url.password);
    found.push(password, `${decode(url.username)}:${password}`);
  }
  for (const [name, parameter] of url.searchParams)
    if (parameter !== '' && !parameter.includes(PLACEHOLDER) && (isSecretKey(name) || CREDENTIAL_PARAMETER.test(name)))
      found.push(parameter);
  return found;
}
