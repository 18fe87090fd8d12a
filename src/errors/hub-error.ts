/**
 * The one base class for every error crm-hub throws. `code` is stable and machine-readable
 * (dead-letter headers, API responses and metrics carry it); `retriable` tells the runtime whether
 * trying the same thing again may succeed, so that retry policy never has to parse messages.
 */
export class HubError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Bad configuration or input from a person: never retried, always names what to fix. */
export class ConfigError extends HubError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, retriable: false });
  }
}

/** Describes any thrown value for a log line or header without assuming it is an Error. */
export function describeError(error: unknown): { code: string; message: string; retriable: boolean } {
  if (error instanceof HubError) return { code: error.code, message: error.message, retriable: error.retriable };
  if (error instanceof Error) return { code: 'UNEXPECTED', message: error.message, retriable: false };
  return { code: 'UNEXPECTED', message: String(error), retriable: false };
}
