import { SIGNATURE_HEADER, signWebhook } from '../connect/sdk/webhook-signature.js';
import { createHttpClient } from '../platform/http/http-client.js';

export interface WebhookOptions {
  /** Signs the body with the hub's scheme; without it no signature header is sent. */
  secret?: string;
  /** Unix seconds to sign with; an old one tests the replay window. */
  timestamp?: number;
  /** Sent last, so a test can replace the signature header with a bad one. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Posts a webhook as a back office would. A Buffer body is sent byte for byte (to test malformed
 * JSON); anything else as JSON. The signature covers exactly the bytes sent. 4xx and 5xx answers are
 * returned, not thrown, since tests assert on them.
 */
export async function sendWebhook(url: string, body: unknown, options: WebhookOptions = {}): Promise<{ status: number; body: unknown }> {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const signature = options.secret === undefined ? {} : { [SIGNATURE_HEADER]: signWebhook(options.secret, rawBody, options.timestamp) };
  const client = createHttpClient({ timeoutMs: options.timeoutMs ?? 5000, validateStatus: () => true });
  const response = await client.post(url, rawBody, {
    headers: { 'content-type': 'application/json', ...signature, ...options.headers },
    // axios would re-serialise a body it thinks is JSON; the signed bytes must go out untouched.
    transformRequest: [(data: unknown) => data],
  });
  return { status: response.status, body: response.data };
}
