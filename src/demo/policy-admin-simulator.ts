import { BackOfficeSimulator, startBackOfficeSimulator } from './back-office-simulator.js';
import type { Latency } from './back-office-simulator-options.js';
import { seedPolicyAdminEvents, type PolicyAdminEvent } from './policy-admin-events.js';
import { sendWebhook } from './webhook-sender.js';

export interface PolicyAdminSimulatorOptions {
  port?: number;
  /** Required on every feed request when set. */
  bearerToken?: string;
  /** Seed events; the default is seedPolicyAdminEvents(). */
  events?: readonly PolicyAdminEvent[];
  latencyMs?: Latency;
  /** The hub's webhook secret for this system: `push` signs with it unless given another. */
  webhookSecret?: string;
}

/**
 * The core policy system: its event feed `GET /api/policy-events?updatedSince&cursor&limit` (events
 * in its own JSON, paged by changed-since and cursor, with auth, faults and outages of the
 * back-office simulator), and its webhook pushes to the hub.
 */
export class PolicyAdminSimulator {
  constructor(
    readonly backOffice: BackOfficeSimulator,
    private readonly webhookSecret?: string,
  ) {}

  /** The feed URL to configure as `poll.url`. */
  get feedUrl(): string {
    return `${this.backOffice.url}/api/policy-events`;
  }

  /** An event happening in the policy system (it appears on the feed with a new updatedAt). */
  record(event: PolicyAdminEvent): void {
    this.backOffice.upsert('policy-events', event);
  }

  /** Pushes an event to a hub webhook as the policy system does: signed with `secret`, else its webhook secret, else unsigned. */
  push(webhookUrl: string, event: unknown, secret = this.webhookSecret): Promise<{ status: number; body: unknown }> {
    return sendWebhook(webhookUrl, event, secret === undefined ? {} : { secret });
  }

  close(): Promise<void> {
    return this.backOffice.close();
  }
}

export async function startPolicyAdminSimulator(options: PolicyAdminSimulatorOptions = {}): Promise<PolicyAdminSimulator> {
  const backOffice = await startBackOfficeSimulator({
    name: 'policy-admin',
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.bearerToken === undefined ? {} : { auth: { bearerToken: options.bearerToken } }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    collections: { 'policy-events': { keyField: 'eventNo', records: options.events ?? seedPolicyAdminEvents() } },
  });
  return new PolicyAdminSimulator(backOffice, options.webhookSecret);
}
