import { HubError } from '../../core/hub-error.js';

/**
 * A record's value that a measure cannot take (text where `sum` needs a number, an event time that
 * is not an instant), or two accumulators of different measures merged. The record, not the
 * window, is at fault, so the step dead-letters it and the window goes on.
 */
export class AggregateValueError extends HubError {
  constructor(code: 'AGGREGATE_VALUE_INVALID' | 'AGGREGATE_MERGE_MISMATCH', message: string) {
    super(code, message, { retriable: false });
  }
}
