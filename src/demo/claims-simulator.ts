import { BackOfficeSimulator, startBackOfficeSimulator } from './back-office-simulator.js';
import type { Latency } from './back-office-simulator-options.js';
import { seedClaimsEvents, type ClaimsEvent } from './claims-events.js';
import { sendWebhook } from './webhook-sender.js';

export interface ClaimsSimulatorOptions {
  port?: number;
  /** Required on every feed request when set. */
  bearerToken?: string;
  /** Seed events; the default is seedClaimsEvents(). */
  events?: readonly ClaimsEvent[];
  latencyMs?: Latency;
  /** The hub's webhook secret for this system: `push` signs with it unless given another. */
  webhookSecret?: string;
}

/**
 * The claims system: its event feed `GET /api/claim-events?updatedSince&cursor&limit` (events
 * in its own JSON, paged by changed-since and cursor, with auth, faults and outages of the
 * back-office simulator), and its webhook pushes to the hub.
 */
export class ClaimsSimulator {
  constructor(
    readonly backOffice: BackOfficeSimulator,
    private readonly webhookSecret?: string,
  ) {}

  /** The feed URL to configure as `poll.url`. */
  get feedUrl(): string {
    return `${this.backOffice.url}/api/claim-events`;
  }

  /** An event happening in the claims system (it appears on the feed with a new updatedAt). */
  record(event: ClaimsEvent): void {
    this.backOffice.upsert('claim-events', event);
  }

  /** Pushes an event to a hub webhook as the claims system does: signed with `secret`, else its webhook secret, else unsigned. */
  push(webhookUrl: string, event: unknown, secret = this.webhookSecret): Promise<{ status: number; body: unknown }> {
    return sendWebhook(webhookUrl, event, secret === undefined ? {} : { secret });
  }

  close(): Promise<void> {
    return this.backOffice.close();
  }
}

export async function startClaimsSimulator(options: ClaimsSimulatorOptions = {}): Promise<ClaimsSimulator> {
  const backOffice = await startBackOfficeSimulator({
    name: 'claims',
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.bearerToken === undefined ? {} : { auth: { bearerToken: options.bearerToken } }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    collections: { 'claim-events': { keyField: 'msgId', records: options.events ?? seedClaimsEvents() } },
  });
  return new ClaimsSimulator(backOffice, options.webhookSecret);
}
