import http from 'node:http';
import express, { type Express } from 'express';
import type { Logger } from '../observability/logger.js';
import type { HealthProbe } from './health-probe.js';
import { apiRouter, type ApiAccessPolicy } from './api-router.js';
import type { ApiRoute } from './api-route.js';
import { openApiDocument } from './openapi-document.js';
import { probeRoutes, type ReadinessCheck } from './probe-routes.js';
import { WEBHOOK_ROUTE_DOCUMENTATION } from './webhook-route-documentation.js';

/**
 * The hub's one HTTP server: probes, the admin API (declared routes, documented at /openapi.json),
 * webhooks and the dashboard. It listens before the broker and registry are up, so that /health
 * can say "starting" instead of refusing connections.
 */
export class HubHttpServer {
  readonly app: Express;
  private readonly routes: ApiRoute[] = [];
  healthProbe: HealthProbe | undefined;
  readinessChecks: ReadinessCheck[] = [];
  startupError: string | undefined;
  private server: http.Server | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly policy: ApiAccessPolicy,
    private readonly version = '0.1.0',
  ) {
    this.app = express();
    this.app.disable('x-powered-by');
    this.addRoutes(probeRoutes(this));
    this.addRoutes([
      {
        method: 'get',
        path: '/openapi.json',
        operationId: 'openApiDocument',
        summary: 'This document',
        tag: 'meta',
        access: 'open',
        responses: { 200: { description: 'OpenAPI 3.1 document of every route the hub serves' } },
        handle: (_request, res) => res.json(this.document()),
      },
    ]);
  }

  /** Mounts declared routes; they appear in the OpenAPI document. */
  addRoutes(routes: readonly ApiRoute[]): void {
    this.routes.push(...routes);
    this.app.use(apiRouter(routes, this.policy, this.logger));
  }

  document(): Record<string, unknown> {
    const document = openApiDocument(this.routes, this.policy, this.version);
    Object.assign(document.paths as Record<string, unknown>, WEBHOOK_ROUTE_DOCUMENTATION);
    return document;
  }

  setHealthProbe(probe: HealthProbe): void {
    this.healthProbe = probe;
  }

  setStartupError(message: string): void {
    this.startupError = message;
  }

  async listen(port: number, host: string): Promise<number> {
    const server = http.createServer(this.app);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    this.logger.info(`HTTP server listening on ${host}:${bound}`);
    return bound;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}
