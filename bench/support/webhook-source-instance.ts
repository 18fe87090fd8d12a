import { randomBytes } from 'node:crypto';

/** A fresh HMAC key: a benchmark's webhook is signed as a production one must be. */
export function webhookSecret(): string {
  return randomBytes(24).toString('hex');
}

/**
 * A push source as a hub config declares it (the value under `connectors.<name>`): the http-source
 * connector writing each signed POST's customer to `topic` (keyed by customerId, as the topic's
 * entry in topics.json says). Runtime defaults (tolerance, body limit) are the hub's.
 */
export function webhookSourceInstance(topic: string, secret: string): Record<string, unknown> {
  return {
    connector: 'http-source',
    webhook: { secret },
    config: { topic, keyField: 'customerId', eventType: 'CustomerUpdated' },
  };
}
