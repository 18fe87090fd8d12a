import { HubError } from '../../src/core/hub-error.js';

/** A benchmark that could not be set up or finished: nothing in a benchmark is retried. */
export class BenchError extends HubError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: false });
  }
}
