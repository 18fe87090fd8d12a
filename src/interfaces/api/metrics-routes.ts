import type { HubMetrics } from '../../platform/observability/metrics/hub-metrics.js';
import type { ApiRoute } from './api-route.js';

/**
 * GET /metrics for Prometheus. It needs a viewer token unless the admin settings list /metrics
 * among the open paths (they do by default), as a scraper usually sits inside the network.
 */
export function metricsRoutes(metrics: HubMetrics): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Metrics in Prometheus text format',
      description:
        "Per flow and connector instance: records in and out, errors by code, dead letters, batch processing time, end-to-end latency from the event's meta.occurredAt; consumer lag per group and topic; process metrics.",
      tag: 'probes',
      access: 'viewer',
      responses: { 200: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain' } },
      handle: async (_request, res) => {
        const text = await metrics.text();
        return res.set('Content-Type', metrics.contentType).send(text);
      },
    },
  ];
}
