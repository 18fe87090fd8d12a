import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/**
 * Where a webhook goes: a push source's endpoint, or a push source that is configured but cannot
 * take requests yet (the hub or the instance is starting, or it failed). Unknown names have none.
 */
export type WebhookTarget = { state: 'ready'; endpoint: WebhookEndpoint } | { state: 'not-ready'; reason: string };

const WEBHOOK_PATH = /^\/webhooks\/[^/]+\/?$/;

/** Seconds a sender is asked to wait while a push source is not ready: a hub starts in under a minute. */
export const NOT_READY_RETRY_AFTER_SECONDS = 5;

/**
 * POST /webhooks/<instance> for every push source. The body is read raw (the signature is over the
 * exact bytes) with each instance's own size limit. Every answer is JSON: a sender that sees a
 * 503 sends again; a 404 means no such push source, not "not yet".
 */
export function createWebhookRouter(targetFor: (instance: string) => WebhookTarget | undefined): Router {
  const router = express.Router();
  router.post(
    '/webhooks/:instance',
    (req: Request, res: Response, next: NextFunction) => {
      const instance = String(req.params.instance);
      const target = targetFor(instance);
      if (!target) {
        res.status(404).json({ error: { code: 'WEBHOOK_UNKNOWN', message: `no push source named ${instance}` } });
        return;
      }
      if (target.state === 'not-ready') {
        res
          .status(503)
          .set('Retry-After', String(NOT_READY_RETRY_AFTER_SECONDS))
          .json({ error: { code: 'WEBHOOK_NOT_READY', message: `${target.reason}; send again in ${NOT_READY_RETRY_AFTER_SECONDS} s` } });
        return;
      }
      res.locals.endpoint = target.endpoint;
      express.raw({ type: () => true, limit: target.endpoint.maxBodyBytes })(req, res, next);
    },
    (req: Request, res: Response, next: NextFunction) => {
      (res.locals.endpoint as WebhookEndpoint).handle(req, res).catch(next);
    },
  );
  // Any other method on a webhook path (a middleware, not an `all` route: the route list stays what the OpenAPI document says).
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!WEBHOOK_PATH.test(req.path)) return next();
    res
      .status(405)
      .set('Allow', 'POST')
      .json({ error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} is not accepted here; webhooks are POSTed` } });
  });
  // Only the webhooks' own errors: whatever is mounted before this router keeps its error handling.
  router.use(
    '/webhooks',
    (error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(error);
      if (error.type === 'entity.too.large') {
        res
          .status(413)
          .json({ error: { code: 'BODY_TOO_LARGE', message: `the body is larger than this webhook accepts: ${error.message}` } });
        return;
      }
      res.status(error.status ?? 500).json({ error: { code: 'WEBHOOK_FAILED', message: error.message ?? 'unexpected error' } });
    },
  );
  return router;
}
