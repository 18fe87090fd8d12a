import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from './error-response.js';
import type { FaultInjector } from './fault-injector.js';

export interface RequestGateContext {
  name: string;
  faults: FaultInjector;
  now: () => number;
  /** Runs `action` after `ms`; the simulator owns the wait so that going down or closing can cancel it. */
  later: (ms: number, action: () => void) => void;
  arrived: () => void;
  answered: (status: number) => void;
}

/**
 * Where every request enters: it is counted, given a request id, then delayed, held forever, or
 * failed as the test asked, before credentials are checked, as a load balancer in front of a real
 * system would fail.
 */
export function requestGate(context: RequestGateContext): RequestHandler {
  return (req, res, next) => {
    context.arrived();
    res.on('finish', () => context.answered(res.statusCode));
    res.locals.arrivedAt = new Date(context.now()).toISOString();
    res.locals.requestId = req.get('x-request-id') ?? randomUUID();
    res.set('X-Request-Id', String(res.locals.requestId));
    const failure = context.faults.takeFailure(req.method, req.path);
    const delay = context.faults.delay();
    if (delay === 'hang') return;
    const answer = (): void => {
      // A client that went away is not served: nobody would see the answer of a write applied now.
      if (req.socket.destroyed) return;
      if (!failure) return next();
      if (failure.retryAfterSeconds !== undefined) res.set('Retry-After', String(failure.retryAfterSeconds));
      sendError(res, failure.status, `${context.name}: simulated failure`);
    };
    if (delay > 0) context.later(delay, answer);
    else answer();
  };
}
