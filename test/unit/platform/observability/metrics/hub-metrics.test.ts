import { expect } from 'chai';
import { register as globalRegistry } from 'prom-client';
import { HubError } from '../../../../../src/core/hub-error.js';
import type { Logger } from '../../../../../src/platform/observability/logger.js';
import { NO_METRICS } from '../../../../../src/platform/observability/metrics/component-metrics.js';
import { HubMetrics } from '../../../../../src/platform/observability/metrics/hub-metrics.js';
import { parsePrometheusText, sampleValue } from '../../../../support/prometheus-text.js';

const scrape = async (metrics: HubMetrics) => parsePrometheusText(await metrics.text());

describe('HubMetrics', () => {
  it('declares every hub metric with its type, and process metrics unless turned off', async () => {
    const text = await scrape(new HubMetrics());
    expect(Object.fromEntries([...text.types].filter(([name]) => name.startsWith('crmhub_')))).to.deep.equal({
      crmhub_records_in_total: 'counter',
      crmhub_records_out_total: 'counter',
      crmhub_errors_total: 'counter',
      crmhub_dead_lettered_total: 'counter',
      crmhub_processing_seconds: 'histogram',
      crmhub_end_to_end_seconds: 'histogram',
      crmhub_consumer_lag: 'gauge',
      crmhub_flow_state_keys: 'gauge',
      crmhub_flow_state_timers: 'gauge',
      crmhub_flow_state_bytes: 'gauge',
      crmhub_flow_state_partitions: 'gauge',
    });
    expect(sampleValue(text, 'process_cpu_user_seconds_total')).to.be.a('number');
    expect(sampleValue(text, 'nodejs_heap_size_used_bytes')).to.be.greaterThan(0);

    const bare = await scrape(new HubMetrics({ processMetrics: false }));
    expect([...bare.types.keys()].filter((name) => !name.startsWith('crmhub_'))).to.deep.equal([]);
  });

  it('starts the series of a component at zero, so that the first increase is seen', async () => {
    const metrics = new HubMetrics({ processMetrics: false });
    metrics.component('flow', 'orders');
    const text = await scrape(metrics);
    const labels = { component: 'flow', name: 'orders' };
    expect(sampleValue(text, 'crmhub_records_in_total', labels)).to.equal(0);
    expect(sampleValue(text, 'crmhub_records_out_total', labels)).to.equal(0);
    expect(sampleValue(text, 'crmhub_dead_lettered_total', labels)).to.equal(0);
    expect(sampleValue(text, 'crmhub_processing_seconds_count', labels)).to.equal(0);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_count', labels)).to.equal(0);
  });

  it('counts records, dead letters and errors by code under the component and name they belong to', async () => {
    const metrics = new HubMetrics({ processMetrics: false });
    const flow = metrics.component('flow', 'orders');
    const sink = metrics.component('connector', 'erp-main');
    expect(metrics.component('flow', 'orders'), 'one object per component, so a reloaded flow counts on').to.equal(flow);
    flow.recordsIn(3);
    flow.recordsIn(2);
    flow.recordsOut(4);
    flow.deadLettered(1);
    flow.error(new HubError('FLOW_VALIDATION_FAILED', 'bad id'));
    flow.error(new HubError('FLOW_VALIDATION_FAILED', 'another bad id'));
    sink.error(new Error('no code'));
    sink.error('a thrown string');
    sink.errorCode('BODY_NOT_JSON');
    sink.recordsOut(7);

    const text = await scrape(metrics);
    const orders = { component: 'flow', name: 'orders' };
    const erp = { component: 'connector', name: 'erp-main' };
    expect(sampleValue(text, 'crmhub_records_in_total', orders)).to.equal(5);
    expect(sampleValue(text, 'crmhub_records_out_total', orders)).to.equal(4);
    expect(sampleValue(text, 'crmhub_records_out_total', erp)).to.equal(7);
    expect(sampleValue(text, 'crmhub_dead_lettered_total', orders)).to.equal(1);
    expect(sampleValue(text, 'crmhub_dead_lettered_total', erp)).to.equal(0);
    expect(text.samples.filter((s) => s.name === 'crmhub_errors_total').map((s) => ({ ...s.labels, value: s.value }))).to.have.deep.members(
      [
        { ...orders, code: 'FLOW_VALIDATION_FAILED', value: 2 },
        { ...erp, code: 'UNEXPECTED', value: 2 },
        { ...erp, code: 'BODY_NOT_JSON', value: 1 },
      ],
    );
  });

  it('observes one processing time per batch', async () => {
    const metrics = new HubMetrics({ processMetrics: false });
    const flow = metrics.component('flow', 'orders');
    const settled = flow.startBatch();
    await new Promise((resolve) => setTimeout(resolve, 20));
    settled();
    const text = await scrape(metrics);
    const labels = { component: 'flow', name: 'orders' };
    expect(sampleValue(text, 'crmhub_processing_seconds_count', labels)).to.equal(1);
    expect(sampleValue(text, 'crmhub_processing_seconds_sum', labels)).to.be.within(0.015, 5);
    expect(sampleValue(text, 'crmhub_processing_seconds_bucket', { ...labels, le: '0.001' })).to.equal(0);
    expect(sampleValue(text, 'crmhub_processing_seconds_bucket', { ...labels, le: '30' })).to.equal(1);
  });

  it('observes end-to-end latency from occurredAt only when there is a sane one', async () => {
    const metrics = new HubMetrics({ processMetrics: false });
    const sink = metrics.component('connector', 'erp-main');
    const now = Date.parse('2026-03-01T08:00:00.000Z');
    sink.acknowledged(now - 1500, now); // 1.5 s
    sink.acknowledged(now + 20_000, now); // the source's clock a little fast: counts as 0
    sink.acknowledged(undefined, now);
    sink.acknowledged(now + 10 * 60_000, now); // ten minutes in the future: a wrong clock, not latency
    sink.acknowledged(now - 3 * 24 * 3600_000, now); // three days old: a backfill
    const text = await scrape(metrics);
    const labels = { component: 'connector', name: 'erp-main' };
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_count', labels)).to.equal(2);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_sum', labels)).to.equal(1.5);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_bucket', { ...labels, le: '0.01' })).to.equal(1);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_bucket', { ...labels, le: '1' })).to.equal(1);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_bucket', { ...labels, le: '2.5' })).to.equal(2);
  });

  it('keeps the code label bounded: made-up codes past the limit, and text that is no code, count as OTHER', async () => {
    const metrics = new HubMetrics({ processMetrics: false, maxErrorCodes: 2 });
    const sink = metrics.component('connector', 'erp-main');
    sink.errorCode('HTTP_500');
    sink.errorCode('HTTP_503');
    sink.errorCode('HTTP_504');
    sink.errorCode('HTTP_500');
    sink.errorCode('customer 110105194912310021 not found');
    const codes = (await scrape(metrics)).samples.filter((s) => s.name === 'crmhub_errors_total').map((s) => [s.labels.code, s.value]);
    expect(Object.fromEntries(codes)).to.deep.equal({ HTTP_500: 2, HTTP_503: 1, OTHER: 2 });
  });

  it("keeps each hub's metrics to itself, off the global registry", async () => {
    const one = new HubMetrics();
    const two = new HubMetrics();
    one.component('flow', 'orders').recordsIn(5);
    two.component('flow', 'orders').recordsIn(1);
    expect(sampleValue(await scrape(one), 'crmhub_records_in_total', { name: 'orders' })).to.equal(5);
    expect(sampleValue(await scrape(two), 'crmhub_records_in_total', { name: 'orders' })).to.equal(1);
    expect(globalRegistry.getSingleMetric('crmhub_records_in_total')).to.equal(undefined);
  });

  it('the no-op metrics accept every call', () => {
    NO_METRICS.recordsIn(1);
    NO_METRICS.error(new HubError('X', 'y'));
    NO_METRICS.acknowledged(Date.now());
    expect(NO_METRICS.startBatch()()).to.equal(undefined);
  });

  describe('consumer lag', () => {
    it('has no lag series without a provider', async () => {
      const text = await scrape(new HubMetrics({ processMetrics: false }));
      expect(text.types.get('crmhub_consumer_lag')).to.equal('gauge');
      expect(sampleValue(text, 'crmhub_consumer_lag')).to.equal(undefined);
    });

    it('asks the provider at scrape time and keeps its answer for 5 s', async () => {
      const metrics = new HubMetrics({ processMetrics: false });
      let calls = 0;
      metrics.setLagProvider(async () => {
        calls++;
        return [
          { group: 'crm-hub.flow.orders', topic: 'crm.customer.v1', lag: 12 + calls },
          { group: 'crm-hub.sink.erp', topic: 'crm.customer.v1', lag: 0 },
        ];
      });
      expect(calls, 'not before a scrape').to.equal(0);
      const first = await scrape(metrics);
      const second = await scrape(metrics);
      expect(calls).to.equal(1);
      for (const text of [first, second]) {
        expect(sampleValue(text, 'crmhub_consumer_lag', { group: 'crm-hub.flow.orders', topic: 'crm.customer.v1' })).to.equal(13);
        expect(sampleValue(text, 'crmhub_consumer_lag', { group: 'crm-hub.sink.erp' })).to.equal(0);
      }
    });

    it('answers the scrape without lag when the provider fails or hangs, and says why', async () => {
      const warnings: string[] = [];
      const logger = { warn: (message: string) => warnings.push(message) } as unknown as Logger;
      const failing = new HubMetrics({ processMetrics: false, logger });
      failing.setLagProvider(() => Promise.reject(new HubError('KAFKA_UNREACHABLE', 'broker away')));
      failing.component('flow', 'orders').recordsIn(1);
      const text = await scrape(failing);
      expect(sampleValue(text, 'crmhub_consumer_lag')).to.equal(undefined);
      expect(sampleValue(text, 'crmhub_records_in_total', { name: 'orders' })).to.equal(1);
      expect(warnings.join('\n')).to.contain('broker away');

      const hanging = new HubMetrics({ processMetrics: false, logger, lagTimeoutMs: 50 });
      hanging.setLagProvider(() => new Promise(() => undefined));
      const started = Date.now();
      expect(sampleValue(await scrape(hanging), 'crmhub_consumer_lag')).to.equal(undefined);
      expect(Date.now() - started).to.be.lessThan(2000);
      expect(warnings.at(-1)).to.contain('no answer within 50 ms');
    });
  });
});
