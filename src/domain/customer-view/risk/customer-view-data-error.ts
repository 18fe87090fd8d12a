import { HubError } from '../../../core/hub-error.js';

/**
 * A record the customer view cannot compute with: an amount that is not a decimal of cents, a date
 * that is not a day, a cover period that ends before it starts, claims in another currency than
 * their policy. The same record fails the same way again, so it is never retried. Messages name
 * the record and the field, never personal data.
 */
export class CustomerViewDataError extends HubError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retriable: false, cause: options.cause });
  }
}
