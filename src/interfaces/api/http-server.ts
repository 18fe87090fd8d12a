import http from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { describeError } from '../../core/hub-error.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { HealthProbe } from './health-probe.js';
import { apiRouter, type ApiAccessPolicy } from './api-router.js';
import { apiError, type ApiRoute } from './api-route.js';
import { openApiDocument } from './openapi-document.js';
import { probeRoutes, type ReadinessCheck } from './probe-routes.js';
import { callerRoutes } from './caller-routes.js';
import { secretFreeAnswers } from './secret-free-answers.js';
import { WEBHOOK_ROUTE_DOCUMENTATION } from './webhook-route-documentation.js';

/**
 * The hub's one HTTP server: probes, the admin API (declared routes, documented at /openapi.json),
 * webhooks and the dashboard. It listens before the broker and registry are up, so that /health
 * can say "starting" instead of refusing connections. Every answer it gives is JSON (the dashboard's
 * files aside): an unknown route is a JSON 404, a known path asked with another method a 405 with
 * `Allow` (OPTIONS a 204 with it), and any error a JSON body; Express's own HTML pages never reach a caller.
 */
export class HubHttpServer {
  readonly app: Express;
  private readonly routes: ApiRoute[] = [];
  /** Everything mounted, in order; the fallbacks after it in `app` stay last however late a router is added. */
  private readonly mounted: Router = express.Router();
  /** Each declared path template as a pattern, for the 405 of a method no route of that path takes. */
  private readonly pathPatterns = new Map<string, RegExp>();
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
    secretFreeAnswers(this.app);
    this.app.use((req: Request, res: Response, next: NextFunction) => this.answerOtherMethod(req, res, next));
    this.app.use(this.mounted);
    this.app.use((req: Request, res: Response) => {
      const starting = this.healthProbe === undefined ? ' (the hub is still starting: some routes appear once it is ready)' : '';
      apiError(res, 404, 'ROUTE_UNKNOWN', `no route ${req.method} ${req.path}${starting}`);
    });
    this.app.use((error: unknown, req: Request, res: Response, next: NextFunction) => this.answerError(error, req, res, next));
    this.addRoutes(probeRoutes(this));
    this.addRoutes(callerRoutes());
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
    this.mounted.use(apiRouter(routes, this.policy, this.logger));
    for (const route of routes) if (!this.pathPatterns.has(route.path)) this.pathPatterns.set(route.path, pathPattern(route.path));
  }

  /**
   * Before any route: a declared path asked with a method none of its routes takes is a 405 naming
   * the methods it takes, and OPTIONS answers 204 with them. The most specific template is the
   * path's (`/api/customers/unmerge` rather than `/api/customers/{goldenId}`), so that `Allow`
   * lists exactly the methods the document gives that path.
   */
  private answerOtherMethod(req: Request, res: Response, next: NextFunction): void {
    const template = this.mostSpecificTemplate(req.path);
    if (template === undefined) return next();
    const methods = [...new Set(this.routes.filter((route) => route.path === template).map((route) => route.method.toUpperCase()))];
    if (methods.includes('GET')) methods.push('HEAD');
    if (methods.includes(req.method)) return next();
    res.set('Allow', methods.join(', '));
    if (req.method === 'OPTIONS') return void res.status(204).end();
    apiError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not accepted on ${template}; it takes ${methods.join(', ')}`);
  }

  /** The declared template matching `requestPath` with the fewest parameters, if any. */
  private mostSpecificTemplate(requestPath: string): string | undefined {
    let best: { template: string; parameters: number } | undefined;
    for (const [template, pattern] of this.pathPatterns) {
      if (!pattern.test(requestPath)) continue;
      const parameters = template.split('{').length - 1;
      if (!best || parameters < best.parameters) best = { template, parameters };
    }
    return best?.template;
  }

  /** Mounts a router that is not a declared API route (the webhooks), before the JSON fallbacks. */
  mount(router: Router): void {
    this.mounted.use(router);
  }

  /**
   * Errors no route answered: a malformed or oversized body, a bad path encoding, or a bug. The
   * caller's mistakes keep their 4xx; anything else is a 500 whose details stay in the log.
   */
  private answerError(error: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) return next(error);
    const status = (error as { status?: unknown }).status;
    const type = (error as { type?: unknown }).type;
    if (type === 'entity.too.large') return void apiError(res, 413, 'BODY_TOO_LARGE', 'the body is larger than this route accepts');
    if (type === 'entity.parse.failed')
      return void apiError(res, 400, 'BODY_NOT_JSON', `the body is not valid JSON: ${describeError(error).message}`);
    if (typeof status === 'number' && status >= 400 && status < 500)
      return void apiError(res, status, 'REQUEST_INVALID', describeError(error).message);
    this.logger.error(`${req.method} ${req.path} failed: ${describeError(error).code}: ${describeError(error).message}`);
    apiError(res, 500, 'INTERNAL_ERROR', 'the hub failed to answer this request; the hub log has the details');
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

/** `/api/connectors/{name}/pause` → a pattern matching its request paths (a parameter is one segment), trailing slash allowed as Express does. */
function pathPattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${source}/?$`);
}
