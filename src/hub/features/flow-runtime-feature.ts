import path from 'node:path';
import { FlowRuntime } from '../../flows/flow-runtime.js';
import { createStepRegistry } from '../../flows/step-registry.js';
import type { HubFeature, HubFeatureDeps } from '../hub-feature.js';
import { flowStateFigures } from './flow-state-figures.js';

/**
 * The flows of the flows folder, compiled and running (recompiled on change when watched). Ready
 * while every flow runs or is paused; in the topology, each flow with what it reads and its `to`;
 * on /metrics, the state its stateful steps hold in this process.
 */
export async function startFlowRuntime(deps: HubFeatureDeps): Promise<HubFeature & { flows: FlowRuntime }> {
  const { settings } = deps;
  const flows = await FlowRuntime.start(
    settings.flowsDir,
    {
      client: deps.client,
      serde: deps.serde,
      schemas: deps.schemas,
      steps: createStepRegistry(),
      logger: deps.logger,
      metrics: deps.metrics,
      inFlightDir: path.join(settings.dataDir, 'flows-in-flight'),
    },
    { watch: settings.watchFlows },
  );
  deps.own({ name: 'flow runtime', stop: () => flows.stop() });
  deps.metrics.setFlowStateProvider(() => flowStateFigures(flows.statuses()));
  return {
    flows,
    readiness: [
      {
        name: 'flows',
        check: () => {
          const failed = flows.statuses().filter((flow) => flow.state !== 'running' && flow.state !== 'paused');
          return {
            ok: failed.length === 0,
            detail:
              failed.length === 0 ? `${flows.statuses().length} running` : failed.map((flow) => `${flow.name} ${flow.state}`).join(', '),
          };
        },
      },
    ],
    topology: () => ({
      flows: flows.statuses().flatMap((status) => {
        const flow = flows.runner(status.name)?.flow;
        return flow ? [{ name: flow.name, from: flow.from, to: flow.to }] : [];
      }),
    }),
  };
}
