import crypto from 'node:crypto';

/**
 * What the hub remembers of a webhook event it accepted, under `<instance>/<event id>` in the
 * webhook-events topic. `bodySha256` tells a sender's retry (same body: 200 duplicate) from a
 * second event that reuses the id (another body: 409); marks written before it was kept have none,
 * and a repeat of their id is taken for a retry, as it always was.
 */
export interface WebhookEventMark {
  at: string;
  bodySha256?: string;
}

/**
 * SHA-256 of the body as JSON with its object keys sorted and no whitespace: two bodies are the
 * same event when they hold the same JSON value, whatever their spacing, key order or charset,
 * since the records made from them are the same. (Numbers are compared as JSON.parse reads them.)
 */
export function webhookBodySha256(body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(withSortedKeys(body)))
    .digest('hex');
}

/** A repeated event id: a retry of the event remembered, or another event under the same id. */
export function repeatOf(mark: WebhookEventMark, bodySha256: string): 'duplicate' | 'reused' {
  return mark.bodySha256 === undefined || mark.bodySha256 === bodySha256 ? 'duplicate' : 'reused';
}

/** The body is at most 64 levels deep by then (the endpoint refuses deeper ones), so recursion is safe. */
function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, withSortedKeys(object[key])]),
  );
}
