import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/**
 * POST /webhooks/<instance> for every push source. The body is read raw (the signature is over the
 * exact bytes) with each instance's own size limit.
 */
export function createWebhookRouter(endpointFor: (instance: string) => WebhookEndpoint | undefined): Router {
  const router = express.Router();
  router.post(
    '/webhooks/:instance',
    (req: Request, res: Response, next: NextFunction) => {
      const endpoint = endpointFor(String(req.params.instance));
      if (!endpoint) {
        res.status(404).json({ error: { code: 'WEBHOOK_UNKNOWN', message: `no push source named ${String(req.params.instance)}` } });
        return;
      }
      res.locals.endpoint = endpoint;
      express.raw({ type: () => true, limit: endpoint.maxBodyBytes })(req, res, next);
    },
    (req: Request, res: Response, next: NextFunction) => {
      (res.locals.endpoint as WebhookEndpoint).handle(req, res).catch(next);
    },
  );
  router.use((error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'BODY_TOO_LARGE', message: `the body is larger than this webhook accepts: ${error.message}` } });
      return;
    }
    res.status(error.status ?? 500).json({ error: { code: 'WEBHOOK_FAILED', message: error.message ?? 'unexpected error' } });
  });
  return router;
}
