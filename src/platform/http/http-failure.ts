import { isAxiosError } from 'axios';
import { withoutSecrets } from '../observability/secret-scrubbing.js';
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
  'ERR_NETWORK',
]);

/** The request got no answer: refused, reset, timed out, or never sent (a TLS or address failure). */
export interface NoAnswer {
  answered: false;
  timedOut: boolean;
  retriable: boolean;
  /** The client's own description, without secrets. */
  reason: string;
}

/** The server answered with an error status. */
export interface ErrorAnswer {
  answered: true;
  status: number;
  retriable: boolean;
  /** The answer's body as it came (JSON parsed or text). */
  data: unknown;
  /** The body as text, without secrets. */
  body: string;
  /** How long the server asked to wait before trying again (Retry-After). */
  retryAfterMs?: number;
  /** The client's own description, without secrets. */
  reason: string;
}

export type HttpFailure = NoAnswer | ErrorAnswer;

/**
 * The one reading of a failed HTTP request for every client of the hub: timeouts, resets, refused
 * connections, 408, 429 and 5xx may pass, so they are retriable; any other 4xx, or a request that
 * could not be sent at all (a certificate refused, a bad address), says the request itself is wrong.
 * Undefined when `error` did not come from an HTTP request.
 *
 * A careless system quotes the credentials it was sent in its error body, and a request's URL may
 * hold user info or a token; these texts go to dead letters, status, the API and the terminal, so
 * the hub's own secrets (and anything shaped like one) are cut out here, before anyone trims them
 * (a cut secret is no longer found).
 */
export function classifyHttpFailure(error: unknown): HttpFailure | undefined {
  if (!isAxiosError(error)) return undefined;
  const reason = withoutSecrets(error.message);
  const response = error.response;
  if (!response) {
    const code = error.code ?? 'NETWORK_ERROR';
    return {
      answered: false,
      timedOut: code === 'ECONNABORTED' || code === 'ETIMEDOUT',
      retriable: RETRIABLE_NETWORK_CODES.has(code),
      reason,
    };
  }
  const { status, data } = response;
  const retryAfter = response.headers?.['retry-after'];
  return {
    answered: true,
    status,
    retriable: status === 408 || status === 429 || status >= 500,
    data,
    body: withoutSecrets(typeof data === 'string' ? data : JSON.stringify(data ?? '')),
    retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined),
    reason,
  };
}
