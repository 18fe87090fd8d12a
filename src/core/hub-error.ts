/**
 * The one base class for every error crm-hub throws. `code` is stable and machine-readable
 * (dead-letter headers, API responses and metrics carry it); `retriable` tells the runtime whether
 * trying the same thing again may succeed, so that retry policy never has to parse messages.
 */
const BRAND = Symbol.for('crm-hub.HubError');

export class HubError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  /**
   * `instanceof` by brand and class name rather than by object identity: a connector loaded from
   * its own folder or package may carry a second copy of these classes (another module loader,
   * another node_modules), and its errors must still be recognised as what they are.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || !(BRAND in value)) return false;
    for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      if (proto.constructor === this || proto.constructor?.name === this.name) return true;
    }
    return false;
  }

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
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
