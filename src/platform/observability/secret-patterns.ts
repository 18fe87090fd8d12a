import { REDACTED_SECRET } from './secret-registry.js';

// scheme://user:password@host: everything between "//" and the last "@" before the path goes.
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*(?:@[^\s/?#@"'<>]*)*@(?=[^\s@])/gi;
// A credential, not prose: "Bearer token expired" keeps its words, "Bearer eyJhbGciOi…" does not.
const AUTHORIZATION_SCHEME = /\b(Bearer|bearer|BEARER|Basic|basic|BASIC)(\s+)(?=[A-Za-z0-9._~+/=-]*[0-9A-Z._~+/=-])[A-Za-z0-9._~+/=-]{8,}/g;
// `password=x` in connection strings (libpq) and `?access_token=x&api_key=y` in query strings; a
// colon or full stop at the end is the sentence's ("GET …?token=x: HTTP 401"), not the value's.
const SECRET_ASSIGNMENT =
  /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|credential)[A-Za-z0-9_.-]*)=([^\s&;,"'<>]*[^\s&;,"'<>:.])/gi;

/**
 * Secrets recognisable by their shape in free text: credentials in URLs, `Authorization` header
 * values, and `name=value` pairs whose name says secret. Values registered with the SecretRegistry
 * are found whatever their shape; these are for secrets the hub never knew (a library's own
 * connection string, a token in a URL a server returned).
 */
export function redactSecretPatterns(text: string): string {
  // Most lines hold none of these; a cheap look for the one character each needs spares the scan.
  let result = text;
  if (result.includes('@')) result = result.replace(URL_USER_INFO, `$1${REDACTED_SECRET}@`);
  if (result.includes(' ')) result = result.replace(AUTHORIZATION_SCHEME, `$1$2${REDACTED_SECRET}`);
  if (result.includes('=')) result = result.replace(SECRET_ASSIGNMENT, `$1=${REDACTED_SECRET}`);
  return result;
}
