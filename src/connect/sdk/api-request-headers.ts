export interface RequestHeaderValues {
  bearerToken?: string;
  idempotencyKey?: string;
  /** The record's correlation id, so the receiving system's logs can be matched with a hub trace. */
  correlationId?: string;
}

/**
 * The headers a connector sends a back-office API: its token, a key to drop repeats by, the trace
 * to match logs with — only those it has values for.
 */
export function requestHeaders(values: RequestHeaderValues): Record<string, string> {
  const headers: Record<string, string> = {};
  if (values.bearerToken) headers.Authorization = `Bearer ${values.bearerToken}`;
  if (values.idempotencyKey) headers['Idempotency-Key'] = values.idempotencyKey;
  if (values.correlationId) headers['X-Correlation-Id'] = values.correlationId;
  return headers;
}
