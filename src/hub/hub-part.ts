/** One thing the hub let go of at stop, last started first. */
export interface HubPart {
  name: string;
  stop: () => Promise<unknown>;
  /** For a broker or registry the hub was pointed at rather than started: the variable that named it. */
  givenBy?: string;
}

const GIVEN_BY = { Kafka: 'KAFKA_BROKERS', 'schema registry': 'SCHEMA_REGISTRY_URL' } as const;

/**
 * The broker or registry as a part of the hub: one it started (embedded, testcontainers) is stopped
 * with it; one named by KAFKA_BROKERS or SCHEMA_REGISTRY_URL keeps running for its other users.
 */
export function servicePart(service: keyof typeof GIVEN_BY, endpoint: { origin: string; stop(): Promise<void> }): HubPart {
  if (endpoint.origin === 'env') return { name: service, stop: () => endpoint.stop(), givenBy: GIVEN_BY[service] };
  return { name: `${service} (${endpoint.origin})`, stop: () => endpoint.stop() };
}

/** What the log says once a part is let go of: "stopped" only for what the hub itself started. */
export function partReleasedMessage(part: HubPart): string {
  return part.givenBy ? `disconnected from ${part.name} (${part.givenBy})` : `stopped ${part.name}`;
}
