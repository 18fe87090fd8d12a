import type { ApiRoute } from './api-route.js';
import { topology, type TopologyParts } from './topology.js';

/** GET /api/topology: the graph the dashboard draws. Parts are read at each call, so reloaded flows show. */
export function topologyRoutes(parts: () => TopologyParts): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/api/topology',
      operationId: 'topology',
      summary: 'Sources, topics, flows, processors and sinks as a graph',
      tag: 'status',
      access: 'viewer',
      responses: {
        200: {
          description: 'Nodes (id, kind source|sink|flow|processor|topic, name) and edges (from, to)',
          schema: {
            type: 'object',
            properties: { nodes: { type: 'array', items: { type: 'object' } }, edges: { type: 'array', items: { type: 'object' } } },
          },
        },
      },
      handle: (_request, res) => res.json(topology(parts())),
    },
  ];
}
