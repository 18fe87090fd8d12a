import type { RequestHandler } from 'express';
import type { SimulatorAuth } from './back-office-simulator-options.js';
import { sendError } from './error-response.js';

/** Refuses requests without the configured credentials with 401 and a challenge, before any work is done. */
export function credentialsCheck(auth: SimulatorAuth, name: string): RequestHandler {
  const expected =
    'bearerToken' in auth
      ? `Bearer ${auth.bearerToken}`
      : `Basic ${Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64')}`;
  const challenge = `${'bearerToken' in auth ? 'Bearer' : 'Basic'} realm="${name}"`;
  return (req, res, next) => {
    const given = req.get('authorization');
    if (given === expected) {
      next();
      return;
    }
    res.set('WWW-Authenticate', challenge);
    sendError(res, 401, `${name}: ${given ? 'the credentials are not valid' : 'credentials are required'}`);
  };
}
