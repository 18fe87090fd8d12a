import { HubError } from '../../core/hub-error.js';
import { classifyHttpFailure } from '../../platform/http/http-failure.js';
import { withoutSecrets } from '../../platform/observability/secret-scrubbing.js';
import { DeliveryError } from './delivery-error.js';

/**
 * What an HTTP failure means for delivery, by the hub's one reading of HTTP failures
 * (classifyHttpFailure): timeouts, resets, 408, 429 and 5xx may pass, so they are retried; any other
 * 4xx says the request itself is wrong, so it is not. The message carries the remote system's own
 * error text (trimmed, without secrets), which is what an operator needs to fix a record.
 */
export function deliveryErrorFromHttp(error: unknown, what: string): HubError {
  if (error instanceof HubError) return error;
  const failure = classifyHttpFailure(error);
  if (!failure) {
    return new DeliveryError('DELIVERY_FAILED', withoutSecrets(`${what}: ${error instanceof Error ? error.message : String(error)}`), {
      retriable: false,
      cause: error,
    });
  }
  // `what` names the request, and its URL may hold user info or a token: the whole message is scrubbed.
  if (!failure.answered) {
    return new DeliveryError(failure.timedOut ? 'HTTP_TIMEOUT' : 'HTTP_UNREACHABLE', withoutSecrets(`${what}: ${failure.reason}`), {
      retriable: failure.retriable,
      cause: error,
    });
  }
  const { status, body } = failure;
  return new DeliveryError(`HTTP_${status}`, withoutSecrets(`${what}: HTTP ${status}${body ? ` ${body.slice(0, 300)}` : ''}`), {
    retriable: failure.retriable,
    status,
    retryAfterMs: failure.retryAfterMs,
    cause: error,
  });
}
