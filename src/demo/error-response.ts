import type { Response } from 'express';

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** The code a back office would put in an error body for `status`. */
export function errorCodeFor(status: number): string {
  return CODES[status] ?? `HTTP_${status}`;
}

/** Every error leaves the simulator in one shape, as a real system's API would: `{ error: { code, message, details? } }`. */
export function sendError(res: Response, status: number, message: string, options: { code?: string; details?: string[] } = {}): void {
  const { code = errorCodeFor(status), details } = options;
  res.status(status).json({ error: details ? { code, message, details } : { code, message } });
}
