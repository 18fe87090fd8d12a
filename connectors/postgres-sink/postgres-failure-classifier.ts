import { HubError } from '../../src/core/hub-error.js';

/**
 * Whether trying again may help, by SQLSTATE class: lost connections, serialization failures,
 * deadlocks, lock timeouts, resource shortage and a restarting server are retried; data,
 * constraint and schema errors (22, 23, 42, …) are not: the record goes to the dead-letter topic.
 */
const RETRIABLE_CLASSES = new Set(['08', '40', '53', '57', '58']);
const RETRIABLE_STATES = new Set(['55P03', '55006']);
const RETRIABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function postgresFailure(error: unknown, what: string): HubError {
  if (error instanceof HubError) return error;
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const retriable = RETRIABLE_CLASSES.has(code.slice(0, 2)) || RETRIABLE_STATES.has(code);
    return new HubError(`PG_${code}`, `${what}: ${message}`, { retriable, cause: error });
  }
  // No SQLSTATE: the connection itself failed (refused, reset, timed out, terminated).
  const connectionLost = (code !== undefined && RETRIABLE_NODE_CODES.has(code)) || /connect|terminat|timeout/i.test(message);
  return new HubError(connectionLost ? 'PG_CONNECTION' : 'PG_UNEXPECTED', `${what}: ${message}`, {
    retriable: connectionLost,
    cause: error,
  });
}
