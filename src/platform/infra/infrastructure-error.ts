import { HubError } from '../../core/hub-error.js';

/** A local service (broker, registry) that could not be fetched, started or reached. */
export class InfrastructureError extends HubError {
  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, options);
  }
}
