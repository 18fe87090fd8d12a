import type { ApiRoute } from './api-route.js';

/**
 * GET /api/whoami: the name and role of the token presented. Tools outside the API that show data
 * by role (`crm-hub tail --unmasked`) ask the hub which role a token has rather than trusting what
 * the caller says of itself.
 */
export function callerRoutes(): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/api/whoami',
      operationId: 'whoami',
      summary: 'The name and role of the calling token',
      tag: 'meta',
      access: 'viewer',
      responses: {
        200: {
          description: 'the caller',
          schema: {
            type: 'object',
            required: ['name', 'role'],
            properties: { name: { type: 'string' }, role: { type: 'string', enum: ['viewer', 'operator', 'admin'] } },
          },
        },
      },
      handle: (request, res) => res.json({ name: request.principal!.name, role: request.principal!.role }),
    },
  ];
}
