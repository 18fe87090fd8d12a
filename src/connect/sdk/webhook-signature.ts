import crypto from 'node:crypto';
import { HubError } from '../../core/hub-error.js';

/**
 * Webhook signatures: header `x-crm-hub-signature: t=<unix seconds>,v1=<hex>`, where v1 is
 * HMAC-SHA256(secret, `<t>.<raw body>`). Signing the timestamp with the body stops replays of an
 * old request once it falls outside the tolerance window.
 */
export const SIGNATURE_HEADER = 'x-crm-hub-signature';

export class WebhookSignatureError extends HubError {
  constructor(code: 'SIGNATURE_MISSING' | 'SIGNATURE_MALFORMED' | 'SIGNATURE_MISMATCH' | 'SIGNATURE_EXPIRED', message: string) {
    super(code, message, { retriable: false });
  }
}

export function signWebhook(secret: string, rawBody: Buffer | string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, rawBody)}`;
}

/** Throws WebhookSignatureError unless `header` is a valid, fresh signature of `rawBody`. */
export function verifyWebhookSignature(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
  toleranceSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  if (!header) throw new WebhookSignatureError('SIGNATURE_MISSING', `the ${SIGNATURE_HEADER} header is missing`);
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const signatures = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (!Number.isInteger(timestamp) || signatures.length === 0) {
    throw new WebhookSignatureError(
      'SIGNATURE_MALFORMED',
      `the ${SIGNATURE_HEADER} header must look like t=<unix seconds>,v1=<hex hmac-sha256>`,
    );
  }
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookSignatureError(
      'SIGNATURE_EXPIRED',
      `the signed timestamp is ${nowSeconds - timestamp} s away from now; at most ${toleranceSeconds} s is accepted`,
    );
  }
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  // Constant-time comparison: the time taken must not tell how much of a guess was right.
  const matches = signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookSignatureError('SIGNATURE_MISMATCH', 'the signature does not match the body');
}

function hmac(secret: string, timestampSeconds: number, rawBody: Buffer | string): string {
  return crypto.createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
}
