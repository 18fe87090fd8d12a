import { expect } from 'chai';
import type { Request, Response } from 'express';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import type { ConnectorInstanceConfig } from '../../../../src/connect/runtime/connector-instance-config.js';
import type { SourcePosition, SourceRecord } from '../../../../src/connect/sdk/connector-definition.js';
import { HubError } from '../../../../src/core/hub-error.js';
import type { HubProducer, OutgoingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { HubMetrics } from '../../../../src/platform/observability/metrics/hub-metrics.js';
import type { StateStore } from '../../../../src/platform/state/state-store.js';
import { DeadLetterPublisher } from '../../../../src/connect/runtime/dead-letter-publisher.js';
import { InstanceStatus } from '../../../../src/connect/runtime/instance-status.js';
import { PollingSource } from '../../../../src/connect/runtime/polling-source.js';
import { SourceRecordPublisher } from '../../../../src/connect/runtime/source-record-publisher.js';
import { WebhookEndpoint } from '../../../../src/connect/runtime/webhook-endpoint.js';
import type { WebhookEventMark } from '../../../../src/connect/runtime/webhook-event-mark.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { parsePrometheusText, sampleValue, type PrometheusText } from '../../../support/prometheus-text.js';

const TOPIC = 'crm.customer.v1';
const logger = createLogger({ level: 'error' });

class CollectingProducer implements HubProducer {
  readonly sent: { topic: string; records: OutgoingRecord[] }[] = [];
  async send(topic: string, records: OutgoingRecord[]) {
    this.sent.push({ topic, records });
    return records.map((_, offset) => ({ topic, partition: 0, offset: String(offset) }));
  }
  async disconnect(): Promise<void> {}
}

function instance(name: string): ConnectorInstanceConfig {
  return {
    name,
    connector: 'test-source',
    enabled: true,
    config: {},
    deadLetterTopic: `dlq.${name}`,
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2, multiplier: 2 },
    batchSize: 10,
    concurrency: 1,
    webhook: { toleranceSeconds: 300, maxBodyBytes: 65536 },
  };
}

function customer(customerId: string, ageMs: number): SourceRecord {
  const value = sampleCustomer();
  return {
    topic: TOPIC,
    key: customerId,
    value: { ...value, customerId, meta: { ...(value.meta as object), occurredAt: new Date(Date.now() - ageMs).toISOString() } },
  };
}

/** State kept in memory: what positions and seen webhook events need, without a broker. */
function memoryStore<Value>(): StateStore<Value> {
  const entries = new Map<string, Value>();
  return {
    get: (key) => entries.get(key),
    put: async (key, value) => void entries.set(key, value),
    putAll: async (writes) => writes.forEach(({ key, value }) => entries.set(key, value)),
  };
}

describe('metrics of sources', () => {
  let catalog: SchemaCatalog;
  let metrics: HubMetrics;
  let producer: CollectingProducer;

  before(async () => {
    catalog = await SchemaCatalog.load();
  });
  beforeEach(() => {
    metrics = new HubMetrics({ processMetrics: false });
    producer = new CollectingProducer();
  });

  const scrape = async (): Promise<PrometheusText> => parsePrometheusText(await metrics.text());
  const errorsOf = (text: PrometheusText, name: string) =>
    Object.fromEntries(
      text.samples.filter((s) => s.name === 'crmhub_errors_total' && s.labels.name === name).map((s) => [s.labels.code, s.value]),
    );

  function publisher(name: string): SourceRecordPublisher {
    return new SourceRecordPublisher(
      producer,
      new AvroSerde(new InMemorySchemaRegistry()),
      catalog,
      'test',
      new DeadLetterPublisher(producer, `dlq.${name}`, `connector:${name}`),
      metrics.component('connector', name),
    );
  }

  it('a poll round counts its records, dead letters and their codes, one batch time and the latency of what was produced', async () => {
    const name = 'crm-poll';
    const rejected = { ...customer('C3', 1000), rejected: new HubError('CRM_CODE_UNKNOWN', 'unknown customer type Z') };
    const misKeyed = { ...customer('C4', 1000), key: 'not-the-business-key' };
    const positions = memoryStore<SourcePosition>();
    const poll = async () => ({
      records: [customer('C1', 1500), customer('C2', 3 * 24 * 3600_000), rejected, misKeyed],
      position: { page: 1 },
    });
    const source = new PollingSource(
      instance(name),
      { poll },
      publisher(name),
      positions,
      new InstanceStatus(name, 'test-source', 'source'),
      logger,
      metrics.component('connector', name),
    );
    await source.pollNow();

    const text = await scrape();
    const labels = { component: 'connector', name };
    expect(sampleValue(text, 'crmhub_records_in_total', labels)).to.equal(4);
    expect(sampleValue(text, 'crmhub_records_out_total', labels)).to.equal(2);
    expect(sampleValue(text, 'crmhub_dead_lettered_total', labels)).to.equal(2);
    expect(errorsOf(text, name)).to.deep.equal({ CRM_CODE_UNKNOWN: 1, BUSINESS_KEY_MISMATCH: 1 });
    expect(sampleValue(text, 'crmhub_processing_seconds_count', labels)).to.equal(1);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_count', labels), 'C1 only: C2 is days old').to.equal(1);
    expect(sampleValue(text, 'crmhub_end_to_end_seconds_sum', labels)).to.be.within(1.5, 30);
    expect(producer.sent.find((s) => s.topic === TOPIC)?.records).to.have.length(2);
  });

  it('an empty poll round is no batch', async () => {
    const name = 'crm-idle';
    const positions = memoryStore<SourcePosition>();
    const source = new PollingSource(
      instance(name),
      { poll: async () => ({ records: [], position: {} }) },
      publisher(name),
      positions,
      new InstanceStatus(name, 'test-source', 'source'),
      logger,
      metrics.component('connector', name),
    );
    await source.pollNow();
    expect(sampleValue(await scrape(), 'crmhub_processing_seconds_count', { name })).to.equal(0);
  });

  describe('a webhook', () => {
    const name = 'crm-push';
    const seenEvents = memoryStore<WebhookEventMark>();

    async function post(endpoint: WebhookEndpoint, body: string): Promise<number> {
      let status = 0;
      const res = { status: (code: number) => ((status = code), res), set: () => res, json: () => res } as unknown as Response;
      await endpoint.handle({ body: Buffer.from(body), get: () => undefined, headers: {} } as unknown as Request, res);
      return status;
    }

    it('counts accepted records and their latency, and refusals by code', async () => {
      const endpoint = new WebhookEndpoint(
        instance(name),
        {
          eventId: (request) => String((request.body as { id: string }).id),
          toRecords: (request) =>
            (request.body as { customers: string[] }).customers.map((id) =>
              id === 'BAD' ? { ...customer('X', 0), key: 'BAD' } : customer(id, 2000),
            ),
        },
        publisher(name),
        seenEvents,
        new InstanceStatus(name, 'test-source', 'source'),
        logger,
        metrics.component('connector', name),
      );

      expect(await post(endpoint, '{"id":"e1","customers":["W1","W2"]}')).to.equal(200);
      expect(await post(endpoint, 'not json')).to.equal(400);
      expect(await post(endpoint, '{"id":"e2","customers":["W3","BAD"]}')).to.equal(422);

      const text = await scrape();
      const labels = { component: 'connector', name };
      expect(sampleValue(text, 'crmhub_records_in_total', labels)).to.equal(2);
      expect(sampleValue(text, 'crmhub_records_out_total', labels)).to.equal(2);
      expect(errorsOf(text, name)).to.deep.equal({ BODY_NOT_JSON: 1, BUSINESS_KEY_MISMATCH: 1 });
      expect(sampleValue(text, 'crmhub_processing_seconds_count', labels), 'the accepted request').to.equal(1);
      expect(sampleValue(text, 'crmhub_end_to_end_seconds_count', labels)).to.equal(2);
      expect(sampleValue(text, 'crmhub_end_to_end_seconds_bucket', { ...labels, le: '1' })).to.equal(0);
    });
  });
});
