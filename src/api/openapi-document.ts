import { effectiveAccess, type ApiAccessPolicy } from './api-router.js';
import type { ApiRoute } from './api-route.js';
import { REQUEST_FORMATS_DESCRIPTION } from './request-formats.js';

/**
 * The OpenAPI 3.1 document of the admin API, built from the same route declarations that are
 * mounted, so it cannot drift from what the server does. Each operation says the role it needs
 * (`x-crm-hub-role`) and whether a token is required.
 */
export function openApiDocument(routes: readonly ApiRoute[], policy: ApiAccessPolicy, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const access = effectiveAccess(route, policy);
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      'x-crm-hub-role': access,
      security: access === 'open' ? [] : [{ bearerToken: [] }],
      parameters: (route.parameters ?? []).map((parameter) => ({ ...parameter, required: parameter.in === 'path' ? true : (parameter.required ?? false) })),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          { description: response.description, ...(response.schema || response.contentType ? { content: { [response.contentType ?? 'application/json']: response.schema ? { schema: response.schema } : {} } } : {}) },
        ]),
      ),
    };
    if (route.description) operation.description = route.description;
    if (route.body) operation.requestBody = { required: true, description: route.body.description, content: { 'application/json': { schema: route.body.schema } } };
    if (access !== 'open') {
      const responses = operation.responses as Record<string, unknown>;
      responses['401'] ??= { description: 'No token, or a token this hub does not know' };
      responses['403'] ??= { description: `The token's role is below ${access}` };
    }
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'crm-hub admin API', version, description: `Operations of a crm-hub process: status, control, dead letters, tracing, the single customer view. Tokens: \`crm-hub token new --role <viewer|operator|admin>\`. ${REQUEST_FORMATS_DESCRIPTION}` },
    components: { securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from the hub config (admin.tokens, stored as SHA-256)' } } },
    paths,
  };
}
