import type { ConnectorRuntime } from '../../connect/runtime/connector-runtime.js';
import type { FlowRuntime } from '../../flows/flow-runtime.js';
import { runtimeRoutes } from '../../interfaces/api/runtime-routes.js';
import { ConsumerLagReader } from '../../platform/kafka/consumer-lag.js';
import { shownInstanceConfig } from '../hub-connectors.js';
import type { HubFeature, HubFeatureDeps } from '../hub-feature.js';

/**
 * The status and control API of connector instances and flows, and their consumer lag, which the
 * API and the Prometheus gauge read through one lag reader (cached 5 s).
 */
export function runtimeStatusFeature(deps: HubFeatureDeps, runtime: ConnectorRuntime, flows: FlowRuntime): HubFeature {
  const lag = new ConsumerLagReader(deps.admin);
  deps.metrics.setLagProvider(async () => {
    const groups = [
      ...flows.statuses().flatMap((status) => (status.consumer ? [status.consumer] : [])),
      // The stages of stateful steps consume their repartition topics in groups of their own.
      ...flows
        .statuses()
        .flatMap((status) =>
          (status.stepState ?? [])
            .filter((step) => step.groupId !== status.consumer?.groupId)
            .map((step) => ({ groupId: step.groupId, topics: [step.input] })),
        ),
      ...runtime.statuses().flatMap((status) => runtime.consumerGroup(status.name) ?? []),
    ];
    const read = await Promise.allSettled(groups.map((group) => lag.lag(group)));
    return read.flatMap((result) =>
      result.status === 'fulfilled'
        ? result.value.topics.map((topic) => ({ group: result.value.groupId, topic: topic.topic, lag: Number(topic.lag) }))
        : [],
    );
  });
  return { routes: runtimeRoutes({ connectors: runtime, flows, lag, configOf: (name) => shownInstanceConfig(deps.connectors, name) }) };
}
