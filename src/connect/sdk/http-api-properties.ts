/**
 * Config properties of a connector that talks to an HTTP API — the API's origin, its bearer token
 * and the timeout of one request — declared here once so that every connector names, bounds and
 * documents them alike. Spread them into a spec's `properties`; the spec stays `as const`, so
 * `ConfigOf` still types them.
 */

/** `baseUrl`: the API's origin. */
export function apiBaseUrlProperty(api: string, example: string) {
  return { type: 'string', pattern: '^https?://', description: `Origin of the ${api}, e.g. ${example}` } as const;
}

/** `bearerToken`: writeOnly, so it is redacted wherever config is shown and scrubbed from logs. */
export function apiBearerTokenProperty(api: string, environmentVariable: string) {
  return { type: 'string', writeOnly: true, description: `Bearer token of the ${api}, usually \${${environmentVariable}}` } as const;
}

/** `timeoutMs`: a request may wait at most this long before the runtime retries it. */
export const REQUEST_TIMEOUT_PROPERTY = {
  type: 'integer',
  minimum: 100,
  maximum: 120000,
  default: 10000,
  description: 'Timeout of one request, in milliseconds',
} as const;
