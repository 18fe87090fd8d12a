import { HubError } from '../../core/hub-error.js';

/** Rejects with a TIMEOUT HubError when `promise` has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HubError('TIMEOUT', `${what}: no answer within ${ms} ms`, { retriable: true })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
