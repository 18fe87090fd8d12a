// Matched against the key lower-cased with separators removed: `api_key`, `X-Api-Key` and `apiKey` alike.
const SECRET_KEY = /password|passwd|passphrase|secret|token|authorization|apikey|credential|privatekey|accesskey|cookie|sessionid/;
/** Hashes and fingerprints of secrets are what lets them be checked without being kept; they stay. */
const DIGEST_KEY = /(sha\d*|hash|digest|fingerprint)$/;

/**
 * Whether the value under `key` is a secret by its name alone (`password`, `bearerToken`,
 * `Authorization`, `x-api-key`, `clientSecret`). `auth` on its own counts too: it holds either the
 * credentials themselves or an object of them.
 */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (normalized === 'auth') return true;
  return SECRET_KEY.test(normalized) && !DIGEST_KEY.test(normalized);
}
