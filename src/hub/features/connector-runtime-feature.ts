import { ConnectorRuntime } from '../../connect/runtime/connector-runtime.js';
import type { HubFeature, HubFeatureDeps } from '../hub-feature.js';

/**
 * The connector runtime: every enabled instance of the hub config started. Ready while each
 * instance runs (or is paused on purpose); in the topology, each enabled instance with the topics
 * it writes (a source) or reads (a sink), as configured.
 */
export async function startConnectorRuntime(deps: HubFeatureDeps): Promise<HubFeature & { runtime: ConnectorRuntime }> {
  const { connectors } = deps;
  const runtime = await ConnectorRuntime.start(
    connectors.config,
    {
      client: deps.client,
      serde: deps.serde,
      schemas: deps.schemas,
      connectors: connectors.catalog,
      logger: deps.logger,
      metrics: deps.metrics,
    },
    connectors.invalid,
  );
  deps.own({ name: 'connector runtime', stop: () => runtime.stop() });
  return {
    runtime,
    readiness: runtime.statuses().map((instance) => ({
      name: `connector ${instance.name}`,
      check: () => {
        const now = runtime.status(instance.name);
        return {
          ok: now.state === 'running' || now.state === 'paused',
          detail: now.state + (now.lastError ? `: ${now.lastError.message}` : ''),
        };
      },
    })),
    topology: () => ({
      connectors: connectors.config.connectors
        .filter((instance) => instance.enabled)
        .flatMap((instance) => {
          const definition = connectors.catalog.find(instance.connector);
          if (!definition) return [];
          return [
            {
              name: instance.name,
              kind: definition.kind,
              topics: instance.topics ?? (definition.kind === 'source' ? definition.produces : definition.consumes),
            },
          ];
        }),
    }),
  };
}
