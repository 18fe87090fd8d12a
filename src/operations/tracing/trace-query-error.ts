import { HubError } from '../../core/hub-error.js';

/** A trace asked for in a way that cannot be answered (nothing to look for, a `since` that is no time): never retried. */
export class TraceQueryError extends HubError {
  constructor(message: string) {
    super('TRACE_QUERY_INVALID', message, { retriable: false });
  }
}
