import { HubError } from '../../core/hub-error.js';

/**
 * A window accumulator's stored state that cannot be read: truncated, from an unknown format
 * version or measure, or with values no accumulator could have written. Not retriable: the same
 * bytes will fail the same way, and answering from a guess would emit a silently wrong window.
 */
export class AggregateStateError extends HubError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('AGGREGATE_STATE_CORRUPT', message, { ...options, retriable: false });
  }
}
