import { ConfigError } from '../core/hub-error.js';

/** Where the hub's HTTP server (admin API, webhooks, /health) listens. */
export interface HubListenAddress {
  host: string;
  port: number;
}

export const DEFAULT_HUB_HOST = '127.0.0.1';
export const DEFAULT_HUB_PORT = 8080;

/**
 * The address `crm-hub run` binds: CRM_HUB_HOST (default loopback, so webhooks and the admin API are
 * not offered to the network unless asked) and CRM_HUB_PORT (default 8080).
 */
export function hubListenAddress(env: NodeJS.ProcessEnv): HubListenAddress {
  return { host: env.CRM_HUB_HOST || DEFAULT_HUB_HOST, port: portFromEnv(env, 'CRM_HUB_PORT', DEFAULT_HUB_PORT) };
}

/**
 * The URL at which the CLI reaches the hub that the same environment would start: CRM_HUB_URL when
 * set (a hub elsewhere, or behind a proxy), else the address the hub binds. One function for both,
 * so that `CRM_HUB_PORT=18080` moves the hub and every command that talks to it together.
 */
export function hubUrlFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.CRM_HUB_URL) return env.CRM_HUB_URL.replace(/\/+$/, '');
  const { host, port } = hubListenAddress(env);
  return hubUrlOf(host, port);
}

/** A URL that reaches a server bound to host:port from this machine: a wildcard bind is reached on loopback. */
export function hubUrlOf(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const bracketed = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `http://${bracketed}:${port}`;
}

/** A port from the environment, or the fallback when unset; anything but 0-65535 is refused naming the variable. */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('ENV_INVALID', `${name}=${JSON.stringify(raw)} is not a port number (0-65535)`);
  }
  return port;
}
