import { HubError } from '../../core/hub-error.js';

/**
 * The registry could not be reached or failed on its side: worth retrying, unless the request could
 * not even be sent (a certificate refused, a bad address), which trying again will not change.
 */
export class SchemaRegistryUnavailableError extends HubError {
  constructor(message: string, cause?: unknown, retriable = true) {
    super('SCHEMA_REGISTRY_UNAVAILABLE', message, { retriable, cause });
  }
}

/** The registry answered, and the answer is no: retrying the same request will not help. */
export class SchemaRegistryRequestError extends HubError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    readonly registryErrorCode?: number,
  ) {
    super(code, message, { retriable: false });
  }
}
