import type { ApiRoute } from '../interfaces/api/api-route.js';
import type { ReadinessCheck } from '../interfaces/api/probe-routes.js';
import type { TopologyParts } from '../interfaces/api/topology.js';
import type { AvroSerde } from '../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import type { HubAdmin, KafkaClient, TopicScanner } from '../platform/kafka/kafka-client.js';
import type { HubMetrics } from '../platform/observability/metrics/hub-metrics.js';
import type { Logger } from '../platform/observability/logger.js';
import type { HubConnectors } from './hub-connectors.js';
import type { HubPart } from './hub-part.js';
import type { HubSettings } from './hub-settings.js';

/**
 * What a subsystem adds to the running hub once it has started: its admin API routes, its parts of
 * /ready, and its nodes of the topology graph. Each subsystem's starter in src/hub/features/
 * returns one; the hub only mounts them, in start order.
 */
export interface HubFeature {
  routes?: readonly ApiRoute[];
  readiness?: readonly ReadinessCheck[];
  /** Read at each call of GET /api/topology, so that reloaded flows show. */
  topology?: () => Partial<TopologyParts>;
}

/** What the hub's platform (broker, registry, schemas, logs, metrics) offers every subsystem it starts. */
export interface HubFeatureDeps {
  settings: HubSettings;
  connectors: HubConnectors;
  client: KafkaClient & TopicScanner;
  admin: HubAdmin;
  serde: AvroSerde;
  schemas: SchemaCatalog;
  logger: Logger;
  metrics: HubMetrics;
  /**
   * Hands the hub something to stop at shutdown, last owned first. Called as soon as the thing
   * exists, before it is started, so that a start that fails half-way still releases it.
   */
  own(part: HubPart): void;
}

/** The whole graph from every feature's share, in start order (sources, flows, processors). */
export function hubTopology(features: readonly HubFeature[]): TopologyParts {
  const shares = features.flatMap((feature) => (feature.topology ? [feature.topology()] : []));
  return {
    connectors: shares.flatMap((share) => share.connectors ?? []),
    flows: shares.flatMap((share) => share.flows ?? []),
    processors: shares.flatMap((share) => share.processors ?? []),
  };
}
