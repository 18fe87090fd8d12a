import type { ApiRoute } from './api-route.js';
import type { HealthProbe } from './health-probe.js';

/** One part of readiness: a connector instance, a flow, the customer view. */
export interface ReadinessCheck {
  name: string;
  check(): { ok: boolean; detail: string };
}

interface ProbeSource {
  healthProbe: HealthProbe | undefined;
  readinessChecks: ReadinessCheck[];
  startupError: string | undefined;
}

const report = { type: 'object' } as const;

/**
 * /health: the process is up and what its broker and registry answer now (starting, failed or
 * degraded otherwise, 503). /ready: also every connector instance, flow and the customer view is
 * running, so a load balancer sends webhooks only to a hub that can take them.
 */
export function probeRoutes(server: ProbeSource): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness, with the broker and registry as they answer now',
      tag: 'probes',
      access: 'viewer',
      responses: { 200: { description: 'ok', schema: report }, 503: { description: 'starting, failed or degraded', schema: report } },
      handle: async (_request, res) => {
        if (!server.healthProbe)
          return res.status(503).json({ status: server.startupError ? 'failed' : 'starting', error: server.startupError });
        const health = await server.healthProbe.report();
        return res.status(health.status === 'ok' ? 200 : 503).json(health);
      },
    },
    {
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      summary: 'Readiness: broker, registry, each connector instance, flow and the customer view',
      tag: 'probes',
      access: 'viewer',
      responses: {
        200: { description: 'ready', schema: report },
        503: { description: 'not ready: the parts that are not, and why', schema: report },
      },
      handle: async (_request, res) => {
        if (!server.healthProbe)
          return res.status(503).json({ ready: false, status: server.startupError ? 'failed' : 'starting', error: server.startupError });
        const health = await server.healthProbe.report();
        const checks = [
          { name: 'kafka', ok: health.kafka.ok, detail: health.kafka.error ?? 'answering' },
          { name: 'schemaRegistry', ok: health.schemaRegistry.ok, detail: health.schemaRegistry.error ?? 'answering' },
          ...server.readinessChecks.map((part) => ({ name: part.name, ...part.check() })),
        ];
        const ready = checks.every((check) => check.ok);
        return res.status(ready ? 200 : 503).json({ ready, checks });
      },
    },
  ];
}
