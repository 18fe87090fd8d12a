import { HubError } from '../../core/hub-error.js';

/**
 * A record or request the identity resolver cannot work with. Never retriable: the same record or
 * the same request fails the same way again, so it belongs in a dead letter, not a retry loop.
 */
export class IdentityError extends HubError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: false });
  }
}
