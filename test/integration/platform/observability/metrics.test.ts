import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens } from '../../../../src/interfaces/api/api-tokens.js';
import { metricsRoutes } from '../../../../src/interfaces/api/metrics-routes.js';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { defineConnector, type ConnectorDefinition } from '../../../../src/connect/sdk/connector-definition.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { FlowRuntime } from '../../../../src/flows/flow-runtime.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';
import type { KafkaClient, OutgoingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { HubMetrics } from '../../../../src/platform/observability/metrics/hub-metrics.js';
import { ConnectorRuntime } from '../../../../src/connect/runtime/connector-runtime.js';
import { DeliveryError } from '../../../../src/connect/sdk/delivery-error.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { parsePrometheusText, sampleValue, type PrometheusText } from '../../../support/prometheus-text.js';
import { instanceConfig, waitFor } from '../../../support/runtime-harness.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

const BAD_ID_NUMBER = '110105194912310021'; // wrong check digit

describe('metrics of flows and sinks on the real broker', function () {
  this.timeout(60_000);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
  let client: KafkaClient;
  let serde: AvroSerde;
  let schemas: SchemaCatalog;
  let metrics: HubMetrics;
  let server: http.Server;
  let metricsUrl: string;
  const stops: (() => Promise<unknown>)[] = [];

  before(async () => {
    client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
    serde = new AvroSerde(new SchemaRegistryClient(infrastructure().registry.url));
    schemas = await SchemaCatalog.load();
  });

  beforeEach(async () => {
    metrics = new HubMetrics({ processMetrics: false });
    const app = express();
    app.use(apiRouter(metricsRoutes(metrics), { tokens: new ApiTokens([]), openPaths: new Set(['/metrics']) }, logger));
    server = http.createServer(app).listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    metricsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });

  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    server.close();
  });

  /** What Prometheus would see: scraped over HTTP and read strictly. */
  async function scrape(): Promise<PrometheusText> {
    return parsePrometheusText((await axios.get<string>(metricsUrl, { responseType: 'text' })).data);
  }

  /** Customers whose events happened `ageMs` ago, so that end-to-end latency has something to measure. */
  function customers(count: number, ageMs: number, changes: Partial<Record<string, unknown>> = {}): Record<string, unknown>[] {
    const occurredAt = new Date(Date.now() - ageMs).toISOString();
    return Array.from({ length: count }, (_, i) => {
      const customer = sampleCustomer();
      return { ...customer, meta: { ...(customer.meta as object), occurredAt }, customerId: `M${i}-${uniqueName('c')}`, ...changes };
    });
  }

  async function produce(topic: string, values: Record<string, unknown>[], raw: OutgoingRecord[] = []): Promise<void> {
    const schema = schemas.registrySchema('Customer');
    const producer = await client.producer();
    const encoded = await Promise.all(
      values.map(async (value) => ({ key: value.customerId as string, value: await serde.encode(valueSubject(topic), schema, value) })),
    );
    await producer.send(topic, [...encoded, ...raw]);
    await producer.disconnect();
  }

  it("counts a flow's records in and out, its dead letter with the error code, batch times and end-to-end latency", async () => {
    const name = uniqueName('metrics-flow').toLowerCase();
    const input = uniqueName('it.metrics.in');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-metrics-'));
    stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const output = uniqueName('it.metrics.out');
    fs.writeFileSync(
      path.join(dir, `${name}.yaml`),
      `name: ${name}
from: ${input}
steps:
  - filter: status = "ACTIVE"
  - validate:
      rules:
        - { rule: residentId, field: idNumber }
to: { topic: ${output}, schema: crmhub.customer.Customer }
topics: { ${input}: { schema: crmhub.customer.Customer }, ${output}: { schema: crmhub.customer.Customer } }
errors:
  retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100, multiplier: 2 }
  deadLetterTopic: dlq.${name}
`,
    );
    const runtime = await FlowRuntime.start(dir, { client, serde, schemas, steps: createStepRegistry(), logger, metrics });
    stops.push(() => runtime.stop());
    const labels = { component: 'flow', name };
    expect(sampleValue(await scrape(), 'crmhub_records_in_total', labels), "the flow's series exist before its first record").to.equal(0);

    await produce(input, [
      ...customers(20, 2000),
      ...customers(3, 2000, { status: 'INACTIVE' }), // filtered out: in, but nothing out
      ...customers(1, 2000, { idNumber: BAD_ID_NUMBER }), // fails validation: dead-lettered
      ...customers(2, 3 * 24 * 3600_000), // a backfill: through the flow, but no latency
    ]);
    await waitFor(
      async () => {
        const text = await scrape();
        return (
          sampleValue(text, 'crmhub_records_out_total', labels) === 22 && sampleValue(text, 'crmhub_dead_lettered_total', labels) === 1
        );
      },
      30_000,
      'every record through the flow',
    );

    const text = await scrape();
    expect(sampleValue(text, 'crmhub_records_in_total', labels)).to.equal(26);
    expect(sampleValue(text, 'crmhub_errors_total', labels)).to.equal(1);
    expect(sampleValue(text, 'crmhub_errors_total', { ...labels, code: 'FLOW_VALIDATION_FAILED' })).to.equal(1);
    expect(sampleValue(text, 'crmhub_processing_seconds_count', labels)).to.be.within(1, 26);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_count', labels), 'the 20 fresh ones that had outputs').to.equal(20);
    expect(
      sampleValue(text, 'crmhub_end_to_end_seconds_bucket', { ...labels, le: '1' }),
      'each waited 2 s before it was produced',
    ).to.equal(0);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_sum', labels)).to.be.within(20 * 2, 20 * 30);
  });

  it("counts a sink's deliveries, retries and dead letters by code, and latency up to the delivery", async () => {
    const input = uniqueName('it.metrics.sink');
    const attempts = new Map<string, number>();
    const sink = defineConnector({
      name: 'metrics-test-sink',
      version: '1.0.0',
      description: 'answers by key: REJECT is refused for good, FLAKY fails once with a 503',
      kind: 'sink',
      consumes: [],
      spec: { type: 'object' },
      create: () => ({
        deliver: async (records) =>
          records.map((record) => {
            const seen = (attempts.get(record.key ?? '') ?? 0) + 1;
            attempts.set(record.key ?? '', seen);
            if (record.key === 'REJECT')
              return { ok: false as const, error: new HubError('CUSTOMER_REJECTED', 'the ERP refuses this customer') };
            if (record.key === 'FLAKY' && seen === 1)
              return { ok: false as const, error: new DeliveryError('HTTP_503', 'ERP busy', { retriable: true }) };
            return { ok: true as const };
          }),
      }),
    });
    const instance = instanceConfig({ connector: sink.name, config: {}, topics: [input] });
    const definitions: ConnectorDefinition[] = [sink];
    const runtime = await ConnectorRuntime.start(
      { file: 'test', connectors: [instance] },
      {
        client,
        serde,
        schemas,
        logger,
        metrics,
        connectors: { get: (name) => definitions.find((d) => d.name === name) ?? expect.fail(`no connector ${name}`) },
      },
    );
    stops.push(() => runtime.stop());
    expect(runtime.status(instance.name).state).to.equal('running');

    const fresh = customers(10, 1500);
    const [reject, flaky] = customers(2, 1500);
    await produce(
      input,
      [...fresh, { ...reject!, customerId: 'REJECT' }, { ...flaky!, customerId: 'FLAKY' }],
      [{ key: 'GARBAGE', value: Buffer.from('{"not":"avro"}') }],
    );
    const labels = { component: 'connector', name: instance.name };
    await waitFor(
      async () => {
        const text = await scrape();
        return (
          sampleValue(text, 'crmhub_records_out_total', labels) === 11 && sampleValue(text, 'crmhub_dead_lettered_total', labels) === 2
        );
      },
      30_000,
      'every record delivered or dead-lettered',
    );

    const text = await scrape();
    expect(sampleValue(text, 'crmhub_records_in_total', labels)).to.equal(13);
    const errors = Object.fromEntries(
      text.samples.filter((s) => s.name === 'crmhub_errors_total' && s.labels.name === instance.name).map((s) => [s.labels.code, s.value]),
    );
    expect(errors).to.deep.equal({ CUSTOMER_REJECTED: 1, HTTP_503: 1, WIRE_FORMAT_INVALID: 1 });
    expect(sampleValue(text, 'crmhub_processing_seconds_count', labels)).to.be.at.least(1);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_count', labels), 'the ten fresh ones and FLAKY, once delivered').to.equal(11);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_bucket', { ...labels, le: '1' })).to.equal(0);
    // The status API and the metrics tell the same story.
    expect(runtime.status(instance.name).counters).to.deep.include({ recordsIn: 13, recordsOut: 11, deadLettered: 2 });
  });
});
