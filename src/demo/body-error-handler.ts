import type { ErrorRequestHandler } from 'express';
import { sendError } from './error-response.js';

/** Turns body-parser failures into the answers a real API gives: 400 for bad JSON, 413 when too large. */
export function bodyErrorHandler(name: string): ErrorRequestHandler {
  return (error: { type?: unknown; status?: unknown; message?: unknown }, _req, res, _next) => {
    if (error.type === 'entity.too.large') return sendError(res, 413, `${name}: the body is larger than 1 MiB`);
    if (error.type === 'entity.parse.failed')
      return sendError(res, 400, `${name}: the body is not valid JSON: ${String(error.message)}`, { code: 'MALFORMED_JSON' });
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    sendError(res, status, `${name}: ${String(error.message)}`);
  };
}
