import { expect } from 'chai';
import type { FlowStatus, FlowStepStateStatus } from '../../../../src/flows/flow-runtime.js';
import { flowStateFigures } from '../../../../src/hub/features/flow-state-figures.js';
import type { Logger } from '../../../../src/platform/observability/logger.js';
import { HubMetrics } from '../../../../src/platform/observability/metrics/hub-metrics.js';
import { parsePrometheusText, sampleValue } from '../../../support/prometheus-text.js';

const GAUGES = ['crmhub_flow_state_keys', 'crmhub_flow_state_timers', 'crmhub_flow_state_bytes', 'crmhub_flow_state_partitions'];

const held = (step: string, figures: Omit<FlowStepStateStatus, 'step' | 'groupId' | 'input' | 'changelog'>): FlowStepStateStatus => ({
  step,
  groupId: `crm-hub.flow.x.${step}`,
  input: `crm-hub.repartition.x.${step}`,
  changelog: `crm-hub.changelog.flow.x.${step}`,
  ...figures,
});

/** The flow runtime as the metrics see it: statuses that change between scrapes. */
class FakeFlows {
  flows: FlowStatus[] = [
    {
      name: 'complaints-per-dealer-daily',
      file: 'flows/complaints-per-dealer-daily.yaml',
      state: 'running',
      generation: 1,
      stepState: [
        held('steps[0].dedupe', { keys: 120, timers: 0, bytes: 9_600, partitions: 3 }),
        held('steps[2].aggregate', { keys: 40, timers: 40, bytes: 52_000, partitions: 3 }),
      ],
    },
    {
      name: 'parts-wait',
      file: 'flows/parts-wait.yaml',
      state: 'paused',
      generation: 2,
      stepState: [held('steps[0].join', { keys: 7, timers: 5, bytes: 1_234, partitions: 1 })],
    },
    { name: 'stateless', file: 'flows/stateless.yaml', state: 'running', generation: 1 },
    { name: 'flows/broken.yaml', file: 'flows/broken.yaml', state: 'failed', generation: 0, issues: ['broken'] },
  ];
  statuses(): FlowStatus[] {
    return structuredClone(this.flows);
  }
}

function hubWith(flows: FakeFlows, logger?: Logger): HubMetrics {
  const metrics = new HubMetrics({ processMetrics: false, logger });
  metrics.setFlowStateProvider(() => flowStateFigures(flows.statuses()));
  return metrics;
}

const scrape = async (metrics: HubMetrics) => parsePrometheusText(await metrics.text());

describe('flow state on /metrics', () => {
  it('gives each stateful step of each flow its keys, timers, bytes and partitions, labelled by flow and step', async () => {
    const text = await scrape(hubWith(new FakeFlows()));
    for (const name of GAUGES) expect(text.types.get(name), name).to.equal('gauge');
    const dedupe = { flow: 'complaints-per-dealer-daily', step: 'steps[0].dedupe' };
    const aggregate = { flow: 'complaints-per-dealer-daily', step: 'steps[2].aggregate' };
    const join = { flow: 'parts-wait', step: 'steps[0].join' };
    expect(GAUGES.map((name) => sampleValue(text, name, dedupe))).to.deep.equal([120, 0, 9_600, 3]);
    expect(GAUGES.map((name) => sampleValue(text, name, aggregate))).to.deep.equal([40, 40, 52_000, 3]);
    expect(
      GAUGES.map((name) => sampleValue(text, name, join)),
      'a paused flow still holds its state',
    ).to.deep.equal([7, 5, 1_234, 1]);
    const series = text.samples.filter((sample) => sample.name === 'crmhub_flow_state_keys').map((sample) => sample.labels);
    expect(series, 'no series for flows without stateful steps').to.have.deep.members([dedupe, aggregate, join]);
  });

  it('reads the runtime at each scrape, so that figures follow and a stopped flow leaves no stale series', async () => {
    const flows = new FakeFlows();
    const metrics = hubWith(flows);
    await scrape(metrics);
    flows.flows[0]!.stepState![1]!.keys = 41;
    flows.flows[0]!.stepState![1]!.partitions = 2;
    flows.flows = flows.flows.filter((flow) => flow.name !== 'parts-wait');
    const text = await scrape(metrics);
    const aggregate = { flow: 'complaints-per-dealer-daily', step: 'steps[2].aggregate' };
    expect(sampleValue(text, 'crmhub_flow_state_keys', aggregate)).to.equal(41);
    expect(sampleValue(text, 'crmhub_flow_state_partitions', aggregate)).to.equal(2);
    for (const name of GAUGES) expect(sampleValue(text, name, { flow: 'parts-wait' }), name).to.equal(undefined);
  });

  it('declares the gauges without series when no flow runtime reports, and answers the scrape when reading it fails', async () => {
    const bare = await scrape(new HubMetrics({ processMetrics: false }));
    for (const name of GAUGES) {
      expect(bare.types.get(name), name).to.equal('gauge');
      expect(sampleValue(bare, name), name).to.equal(undefined);
    }
    const warnings: string[] = [];
    const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
    const metrics = new HubMetrics({ processMetrics: false, logger });
    metrics.setFlowStateProvider(() => {
      throw new TypeError('statuses went away');
    });
    metrics.component('flow', 'orders').recordsIn(2);
    const text = await scrape(metrics);
    expect(sampleValue(text, 'crmhub_flow_state_keys')).to.equal(undefined);
    expect(sampleValue(text, 'crmhub_records_in_total', { name: 'orders' })).to.equal(2);
    expect(warnings.join('\n')).to.contain('flow state unavailable: statuses went away');
  });
});
