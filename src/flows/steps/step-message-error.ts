import { HubError } from '../../core/hub-error.js';

/**
 * A step cannot process a message (its map output does not fit the schema, a required lookup
 * found nothing...). Not retriable unless said: the same message fails the same way again, so it
 * goes to the dead-letter topic. Messages name fields and rules, never the values found, because
 * they travel in dead-letter headers and logs where personal data must not.
 */
export class StepMessageError extends HubError {
  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, { retriable: options.retriable ?? false, cause: options.cause });
  }
}
