import type { FlowStatus } from '../../flows/flow-runtime.js';
import type { FlowStateFigures } from '../../platform/observability/metrics/flow-state-gauges.js';

/** The crmhub_flow_state_* figures of the flows' statuses: one per stateful step of each flow, as held by this process. */
export function flowStateFigures(statuses: readonly FlowStatus[]): FlowStateFigures[] {
  return statuses.flatMap((status) =>
    (status.stepState ?? []).map(({ step, keys, timers, bytes, partitions }) => ({
      flow: status.name,
      step,
      keys,
      timers,
      bytes,
      partitions,
    })),
  );
}
