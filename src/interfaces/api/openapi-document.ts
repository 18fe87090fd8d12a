import { effectiveAccess, type ApiAccessPolicy } from './api-router.js';
import { ERROR_SCHEMA, type Access, type ApiResponse, type ApiRoute } from './api-route.js';
import { REQUEST_FORMATS_DESCRIPTION } from './request-formats.js';

/**
 * The answers the router and the HTTP server give any route before or around its handler, derived
 * from the route's declaration so that the document cannot miss one: 400 when it takes parameters
 * or a body (and 413 for a body too large), 401/403 when it needs a token, 500 and 503 when its
 * handler fails (503 when the failure is retriable: the broker or registry unreachable). A route's
 * own entry for the same status (a better description) wins.
 */
export function routerResponses(route: ApiRoute, access: Access): Record<number, ApiResponse> {
  const responses: Record<number, ApiResponse> = {};
  const error = (description: string): ApiResponse => ({ description, schema: ERROR_SCHEMA });
  if ((route.parameters ?? []).length > 0 || route.body) {
    responses[400] = error(
      `REQUEST_INVALID: a parameter${route.body ? ' or body field' : ''} does not match its schema (each named in error.issues)${route.body ? '; BODY_NOT_JSON: the body is not JSON' : ''}`,
    );
  }
  if (access !== 'open') {
    responses[401] = error('UNAUTHENTICATED: no token, or a token this hub does not know');
    responses[403] = error(`FORBIDDEN: the token's role is below ${access}`);
  }
  if (route.body) responses[413] = error(`BODY_TOO_LARGE: the body is larger than ${route.body.maxBytes ?? 64 * 1024} bytes`);
  responses[500] = error("INTERNAL_ERROR or the failing part's code: the hub could not answer; the hub log has the details");
  responses[503] = error('A part the answer needs (the broker, the registry) is unreachable right now; asking again later may succeed');
  return responses;
}

function documentedResponse(response: ApiResponse): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  if (response.schema || response.contentType)
    content[response.contentType ?? 'application/json'] = response.schema ? { schema: response.schema } : {};
  for (const [type, schema] of Object.entries(response.alsoAs ?? {})) content[type] = schema ? { schema } : {};
  return { description: response.description, ...(Object.keys(content).length > 0 ? { content } : {}) };
}

/**
 * The OpenAPI 3.1 document of the admin API, built from the same route declarations that are
 * mounted, so it cannot drift from what the server does. Each operation says the role it needs
 * (`x-crm-hub-role`) and whether a token is required, and lists every status it can answer.
 */
export function openApiDocument(routes: readonly ApiRoute[], policy: ApiAccessPolicy, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const access = effectiveAccess(route, policy);
    const responses = { ...routerResponses(route, access), ...route.responses };
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      'x-crm-hub-role': access,
      security: access === 'open' ? [] : [{ bearerToken: [] }],
      parameters: (route.parameters ?? []).map((parameter) => ({
        ...parameter,
        required: parameter.in === 'path' ? true : (parameter.required ?? false),
      })),
      responses: Object.fromEntries(Object.entries(responses).map(([status, response]) => [status, documentedResponse(response)])),
    };
    if (route.description) operation.description = route.description;
    if (route.body)
      operation.requestBody = {
        required: true,
        description: route.body.description,
        content: { 'application/json': { schema: route.body.schema } },
      };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'crm-hub admin API',
      version,
      description: `Operations of a crm-hub process: status, control, dead letters, tracing, the single customer view. Tokens: \`crm-hub token new --role <viewer|operator|admin>\`. Every error answers \`{ error: { code, message, issues? } }\`; a method a path does not take answers 405 with \`Allow\`. ${REQUEST_FORMATS_DESCRIPTION}`,
    },
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from the hub config (admin.tokens, stored as SHA-256)' },
      },
    },
    paths,
  };
}
