import { HubError } from '../../core/hub-error.js';

/**
 * A failure talking to another system. Connectors throw or return these (usually through
 * `deliveryErrorFromHttp`); the runtime decides on retries from `retriable` and waits at least
 * `retryAfterMs` when the system said so.
 */
export class DeliveryError extends HubError {
  constructor(code: string, message: string, options: { retriable: boolean; retryAfterMs?: number; status?: number; cause?: unknown }) {
    super(code, message, { retriable: options.retriable, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }

  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
}
