import { isAxiosError } from 'axios';
import { HubError } from '../../core/hub-error.js';
import { withoutSecrets } from '../../platform/observability/secret-scrubbing.js';
import { DeliveryError } from './delivery-error.js';
import { parseRetryAfter } from './retry-after.js';

const RETRIABLE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/**
 * What an HTTP failure means for delivery: timeouts, resets, 408, 429 and 5xx may pass, so they
 * are retried; any other 4xx says the request itself is wrong, so it is not. The message carries
 * the remote system's own error text (trimmed), which is what an operator needs to fix a record.
 */
export function deliveryErrorFromHttp(error: unknown, what: string): HubError {
  if (error instanceof HubError) return error;
  if (!isAxiosError(error)) {
    return new DeliveryError('DELIVERY_FAILED', withoutSecrets(`${what}: ${error instanceof Error ? error.message : String(error)}`), {
      retriable: false,
      cause: error,
    });
  }
  const response = error.response;
  if (!response) {
    const code = error.code ?? 'NETWORK_ERROR';
    return new DeliveryError(
      code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'HTTP_TIMEOUT' : 'HTTP_UNREACHABLE',
      withoutSecrets(`${what}: ${error.message}`),
      { retriable: RETRIABLE_NETWORK_CODES.has(code) || code === 'ERR_NETWORK', cause: error },
    );
  }
  const status = response.status;
  const retriable = status === 408 || status === 429 || status >= 500;
  // A careless system quotes the credentials it was sent in its error body, and the request's URL may
  // hold user info or a token; the message goes to dead letters, status and the API, so the hub's own
  // secrets (and anything shaped like one) are cut out, before the body is trimmed (a cut secret is not found).
  const body = withoutSecrets(typeof response.data === 'string' ? response.data : JSON.stringify(response.data ?? ''));
  const retryAfter = response.headers?.['retry-after'];
  return new DeliveryError(`HTTP_${status}`, withoutSecrets(`${what}: HTTP ${status}${body ? ` ${body.slice(0, 300)}` : ''}`), {
    retriable,
    status,
    retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined),
    cause: error,
  });
}
