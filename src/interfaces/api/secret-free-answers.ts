import type { Express, NextFunction, Request, Response } from 'express';
import { secretFreeJsonReplacer, withoutSecrets } from '../../platform/observability/secret-scrubbing.js';
import { secretRegistry, type SecretRegistry } from '../../platform/observability/secret-registry.js';

/**
 * Makes every answer of the hub's HTTP server free of secrets, in one place rather than per route:
 * JSON answers (`res.json`) through express's `json replacer`, text answers (Prometheus metrics,
 * CSV) as they are sent. Static files the hub ships (the dashboard, sent as bytes) are left as they
 * are: no secret can be in them.
 */
export function secretFreeAnswers(app: Express, registry: SecretRegistry = secretRegistry): void {
  app.set('json replacer', secretFreeJsonReplacer(registry));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      // res.json has scrubbed its text already, through the replacer.
      const scrub = typeof body === 'string' && !String(res.get('Content-Type') ?? '').startsWith('application/json');
      return send(scrub ? withoutSecrets(body, registry) : body);
    };
    next();
  });
}
