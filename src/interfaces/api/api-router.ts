import type { ErrorObject, ValidateFunction } from 'ajv';
import express, { type Request, type Response, type Router } from 'express';
import { describeError } from '../../core/hub-error.js';
import type { Logger } from '../../platform/observability/logger.js';
import { formatDataPath, schemaIssues } from '../../platform/validation/schema-issues.js';
import { apiError, ROLE_RANK, type Access, type ApiRoute, type Principal } from './api-route.js';
import { requestAjv } from './request-formats.js';
import type { ApiTokens } from './api-tokens.js';

/** Which routes need no token: by path (`/health`, `/ready`, `/metrics` unless configured otherwise). */
export interface ApiAccessPolicy {
  tokens: ApiTokens;
  openPaths: ReadonlySet<string>;
}

// Query and path parameters arrive as text: coerce them to their declared types, as OpenAPI means.
// Declared formats (dates, instants) are checked here for every route alike: see request-formats.ts.
const paramsAjv = requestAjv({ coerceTypes: true });
const bodyAjv = requestAjv({ coerceTypes: false });

export function expressPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

export function effectiveAccess(route: ApiRoute, policy: ApiAccessPolicy): Access {
  return policy.openPaths.has(route.path) ? 'open' : route.access;
}

/**
 * Mounts declared routes: for each, the bearer token is checked against the route's role (401
 * without or with an unknown token, 403 with a role too low), path and query parameters and the
 * JSON body are validated against the route's schemas (400 naming each parameter or field), and
 * only then does the handler run. A handler that throws answers with its HubError code.
 */
export function apiRouter(routes: readonly ApiRoute[], policy: ApiAccessPolicy, logger: Logger): Router {
  const router = express.Router();
  for (const route of routes) {
    const access = effectiveAccess(route, policy);
    const params = compileParameters(route, 'path');
    const query = compileParameters(route, 'query');
    const body = route.body ? bodyAjv.compile(route.body.schema) : undefined;
    const handlers: express.RequestHandler[] = [];
    if (route.body) handlers.push(express.json({ limit: route.body.maxBytes ?? 64 * 1024 }));
    handlers.push(async (req: Request, res: Response) => {
      const principal = authorize(req, res, access, policy);
      if (principal === null) return;
      const issues: { in: string; path: string; message: string }[] = [];
      const pathValues: Record<string, unknown> = { ...req.params };
      const queryValues: Record<string, unknown> = { ...(req.query as Record<string, unknown>) };
      if (params && !params(pathValues)) issues.push(...describe('path', params.errors, pathValues));
      if (query && !query(queryValues)) issues.push(...describe('query', query.errors, queryValues));
      if (body && !body(req.body ?? undefined)) issues.push(...describe('body', body.errors, req.body));
      if (issues.length > 0) {
        apiError(res, 400, 'REQUEST_INVALID', issues.map((issue) => `${issue.in} ${issue.path}: ${issue.message}`).join('; '), issues);
        return;
      }
      try {
        await route.handle({ params: pathValues, query: queryValues, body: req.body, principal, raw: req }, res);
      } catch (error) {
        const { code, message, retriable } = describeError(error);
        logger.error(`${route.operationId} failed: ${code}: ${message}`);
        if (!res.headersSent) apiError(res, retriable ? 503 : 500, code, message);
      }
    });
    router[route.method](expressPath(route.path), ...handlers);
  }
  // A body that is not JSON, or too big, is the caller's mistake: say so in the API's error shape.
  router.use((error: unknown, _req: Request, res: Response, next: express.NextFunction) => {
    const status = (error as { status?: number }).status;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large')
      return apiError(
        res,
        413,
        'BODY_TOO_LARGE',
        `the body is larger than this route accepts (${(error as { limit?: number }).limit} bytes)`,
      );
    if (status === 400) return apiError(res, 400, 'BODY_NOT_JSON', `the body is not valid JSON: ${(error as Error).message}`);
    return next(error);
  });
  return router;
}

/** The caller, undefined for an open route, or null when the answer (401/403) has been sent. */
function authorize(req: Request, res: Response, access: Access, policy: ApiAccessPolicy): Principal | undefined | null {
  if (access === 'open') return undefined;
  const header = req.get('authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const principal = token ? policy.tokens.identify(token) : undefined;
  if (!principal) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="crm-hub"');
    apiError(
      res,
      401,
      'UNAUTHENTICATED',
      token ? 'the bearer token is not one this hub knows' : 'this route needs an API token: Authorization: Bearer <token>',
    );
    return null;
  }
  if (ROLE_RANK[principal.role] < ROLE_RANK[access]) {
    apiError(res, 403, 'FORBIDDEN', `this route needs the ${access} role or higher; token ${principal.name} has ${principal.role}`);
    return null;
  }
  return principal;
}

function compileParameters(route: ApiRoute, where: 'path' | 'query'): ValidateFunction | undefined {
  const declared = (route.parameters ?? []).filter((parameter) => parameter.in === where);
  if (declared.length === 0) return undefined;
  return paramsAjv.compile({
    type: 'object',
    properties: Object.fromEntries(declared.map((parameter) => [parameter.name, parameter.schema])),
    required: declared.filter((parameter) => parameter.required || where === 'path').map((parameter) => parameter.name),
    // Unknown query parameters are tolerated, as browsers and proxies add their own.
  });
}

function describe(where: string, errors: ErrorObject[] | null | undefined, data: unknown): { in: string; path: string; message: string }[] {
  return schemaIssues(errors, data).map(({ path, message, error }) => {
    // A value of the wrong format is named (shortened), so the caller sees which of their inputs it was: it is theirs.
    const shown = error.keyword === 'format' && typeof error.data === 'string' ? ` (got ${JSON.stringify(error.data.slice(0, 60))})` : '';
    return { in: where, path: formatDataPath(path) || '(root)', message: `${message}${shown}` };
  });
}
