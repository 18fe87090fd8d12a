import type { Request, Response } from 'express';

/** Who may call a route: a role or better, or anyone (`open`). Roles are ordered viewer < operator < admin. */
export type Role = 'viewer' | 'operator' | 'admin';
export type Access = Role | 'open';

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 1, operator: 2, admin: 3 };

export type JsonSchema = Record<string, unknown>;

export interface ApiParameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  description: string;
  schema: JsonSchema;
}

export interface ApiResponse {
  description: string;
  /** Default application/json. */
  contentType?: string;
  schema?: JsonSchema;
  /** Further content types the same status may answer with (e.g. `text/csv` when asked for a format), each with its schema if any. */
  alsoAs?: Record<string, JsonSchema | undefined>;
}

/** The caller a token identified. */
export interface Principal {
  name: string;
  role: Role;
}

/** What a handler gets: path and query parameters checked and typed by the route's schemas, the body checked too. */
export interface ApiRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  principal: Principal | undefined;
  raw: Request;
}

/**
 * One operation of the admin API: its documentation (which becomes the OpenAPI document), who may
 * call it, how its input is checked and what it does. Routes are declared this way and mounted by
 * api-router.ts, so a route cannot exist without being documented and validated.
 */
export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path template, e.g. `/api/connectors/{name}/pause`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  parameters?: ApiParameter[];
  body?: { schema: JsonSchema; description: string; maxBytes?: number };
  responses: Record<number, ApiResponse>;
  handle(request: ApiRequest, res: Response): unknown;
}

/** The error body every route answers with: `{ error: { code, message, issues? } }`. */
export function apiError(res: Response, status: number, code: string, message: string, issues?: unknown[]): Response {
  return res.status(status).json({ error: issues ? { code, message, issues } : { code, message } });
}

/** The schema of that error body, for the documentation of each error response. */
export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable, e.g. CONNECTOR_UNKNOWN' },
        message: { type: 'string', description: 'For people: what is wrong and where' },
        issues: { type: 'array', items: { type: 'object' }, description: 'Each invalid parameter or body field: { in, path, message }' },
      },
    },
  },
};

export const errorResponse = (description: string): ApiResponse => ({ description, schema: ERROR_SCHEMA });
