import type { AxiosInstance } from 'axios';
import { createHttpClient } from '../../platform/http/http-client.js';
import { DeliveryError } from '../sdk/delivery-error.js';
import { AddressNotAllowedError, publicOnlyLookup } from './outbound-address-policy.js';

export class HostNotAllowedError extends DeliveryError {
  constructor(host: string, allowed: string[]) {
    super('HOST_NOT_ALLOWED', `host ${host} is not on this instance's allow-list (${allowed.join(', ')})`, { retriable: false });
  }
}

/** `erp.example.com` matches itself; `*.example.com` matches any subdomain, not example.com itself. */
export function hostAllowed(host: string, allowed: string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.startsWith('*.') ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p;
  });
}

/**
 * The axios instance a connector gets: the hub's HTTP client (keep-alive, a timeout always set)
 * and — when the instance has an allow-list — every request and every redirect hop checked against
 * it before it leaves, and every name checked at connect time to resolve to a public address
 * (unless the instance allows private networks; IP literals on the allow-list are taken as meant).
 */
export function createConnectorHttpClient(options: {
  baseURL?: string;
  timeoutMs?: number;
  allowedHosts?: string[];
  allowPrivateNetworks?: boolean;
}): AxiosInstance {
  const allowed = options.allowedHosts;
  const client = createHttpClient({
    baseURL: options.baseURL,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxRedirects: 5,
    // With an allow-list, names must also resolve to public addresses (no SSRF through DNS).
    ...(allowed && !options.allowPrivateNetworks ? { lookup: publicOnlyLookup as never } : {}),
    beforeRedirect: (redirect) => {
      const host = String(redirect.hostname ?? redirect.host ?? '');
      if (allowed && !hostAllowed(host, allowed)) throw new HostNotAllowedError(host, allowed);
    },
  });
  // A refused address surfaces as the refusal itself, like a host off the list: not retriable, reason intact.
  client.interceptors.response.use(undefined, (error: unknown) => {
    const cause = (error as { cause?: unknown }).cause;
    throw cause instanceof AddressNotAllowedError ? cause : error;
  });
  if (allowed) {
    client.interceptors.request.use((config) => {
      const url = new URL(config.url ?? '', config.baseURL);
      if (!hostAllowed(url.hostname, allowed)) throw new HostNotAllowedError(url.hostname, allowed);
      return config;
    });
  }
  return client;
}
