import { Gauge, type Registry } from 'prom-client';
import { describeError } from '../../../core/hub-error.js';
import type { Logger } from '../logger.js';

/** The state one stateful step of a flow holds in this process, as the flow state gauges report it. */
export interface FlowStateFigures {
  flow: string;
  /** `steps[1].dedupe`: the step's place and kind, bounded like the flow names. */
  step: string;
  keys: number;
  timers: number;
  /** Approximate: keys and values as JSON. */
  bytes: number;
  /** Partitions of the step's input held here. */
  partitions: number;
}

type Figure = Exclude<keyof FlowStateFigures, 'flow' | 'step'>;

const GAUGES: Record<Figure, { name: string; help: string }> = {
  keys: { name: 'crmhub_flow_state_keys', help: "Keys a flow's stateful step holds in this process (windows, join buffers, dedupe keys)" },
  timers: {
    name: 'crmhub_flow_state_timers',
    help: "Timers a flow's stateful step has pending in this process (window closes, join and timeout deadlines)",
  },
  bytes: {
    name: 'crmhub_flow_state_bytes',
    help: "Approximate size of the keys and values (as JSON) a flow's stateful step holds in this process",
  },
  partitions: { name: 'crmhub_flow_state_partitions', help: "Partitions of a flow's stateful step's input whose state this process holds" },
};

/**
 * Gauges of flow state, read at scrape time from `read` (no polling loop): every scrape starts them
 * afresh, so a flow that stopped or a partition that moved to another process leaves no stale
 * series. A failing `read` is logged and the scrape answers without them.
 */
export function registerFlowStateGauges(registry: Registry, read: () => FlowStateFigures[], logger?: Logger): void {
  const figures = (): FlowStateFigures[] => {
    try {
      return read();
    } catch (error) {
      logger?.warn(`metrics: flow state unavailable: ${describeError(error).message}`);
      return [];
    }
  };
  for (const [figure, { name, help }] of Object.entries(GAUGES) as [Figure, (typeof GAUGES)[Figure]][])
    new Gauge({
      name,
      help,
      labelNames: ['flow', 'step'],
      registers: [registry],
      collect() {
        this.reset();
        for (const held of figures()) this.set({ flow: held.flow, step: held.step }, held[figure]);
      },
    });
}
