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
  const canonical = JSON.stringify(body, (_key, value: unknown) => (isPlainObject(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : value));
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** A repeated event id: a retry of the event remembered, or another event under the same id. */
export function repeatOf(mark: WebhookEventMark, bodySha256: string): 'duplicate' | 'reused' {
  return mark.bodySha256 === undefined || mark.bodySha256 === bodySha256 ? 'duplicate' : 'reused';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
