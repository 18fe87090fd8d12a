import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import type { ConnectorInstanceConfig } from '../../../../src/connect/runtime/connector-instance-config.js';
import type { CompiledFlow } from '../../../../src/flows/compiled-flow.js';
import { FlowRunner } from '../../../../src/flows/flow-runner.js';
import type { IncomingRecord, RecordHeaders } from '../../../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { DeadLetterPublisher } from '../../../../src/connect/runtime/dead-letter-publisher.js';
import { InstanceStatus } from '../../../../src/connect/runtime/instance-status.js';
import { derivedTracingHeaders, HEADER, withTracingHeaders } from '../../../../src/platform/headers/record-headers.js';
import { SinkRunner } from '../../../../src/connect/runtime/sink-runner.js';
import { SourceRecordPublisher } from '../../../../src/connect/runtime/source-record-publisher.js';
import { parseTraceparent } from '../../../../src/platform/headers/traceparent.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

const CAUSE: RecordHeaders = {
  [HEADER.correlationId]: 'corr-1',
  [HEADER.eventId]: 'event-1',
  [HEADER.sourceSystem]: 'crm',
  [HEADER.eventType]: 'CustomerUpdated',
  [HEADER.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};
const retry = { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, multiplier: 1 };
const logger = createLogger({ level: 'error' });
const control = { heartbeat: async () => undefined, isRunning: () => true };

/** Same correlation id and trace as the cause, a span of its own. */
function expectContinues(headers: RecordHeaders, cause: RecordHeaders): void {
  expect(headers[HEADER.correlationId]).to.equal(cause[HEADER.correlationId]);
  const own = parseTraceparent(headers[HEADER.traceparent]);
  const parent = parseTraceparent(cause[HEADER.traceparent])!;
  expect(own?.traceId).to.equal(parent.traceId);
  expect(own?.spanId).to.not.equal(parent.spanId);
}

describe('tracing headers of every record the hub writes', () => {
  let schemas: SchemaCatalog;
  let serde: AvroSerde;
  let kafka: InMemoryKafka;

  before(async () => {
    schemas = await SchemaCatalog.load();
  });
  beforeEach(() => {
    serde = new AvroSerde(new InMemorySchemaRegistry());
    kafka = new InMemoryKafka();
  });

  async function customerRecord(topic: string, headers: RecordHeaders): Promise<IncomingRecord> {
    const value = await serde.encode(valueSubject(topic), schemas.registrySchema('crmhub.customer.Customer'), sampleCustomer());
    return kafka.append(topic, { key: 'C440300000123', value, headers });
  }

  it('derived headers keep the correlation id, continue the trace and name the stage', () => {
    const derived = derivedTracingHeaders(CAUSE, 'flow:vip');
    expectContinues(derived, CAUSE);
    expect(derived[HEADER.stage]).to.equal('flow:vip');
    expect(derivedTracingHeaders({}, 'flow:vip')).to.not.have.property(HEADER.correlationId);
    expect(parseTraceparent(derivedTracingHeaders({}, 'flow:vip')[HEADER.traceparent])).to.not.equal(undefined);
  });

  it('a source record gets its correlation id from meta and a new trace', () => {
    const headers = withTracingHeaders(sampleCustomer(), undefined, 'crm');
    expect(headers[HEADER.correlationId]).to.equal('corr-20261123-000001');
    expect(parseTraceparent(headers[HEADER.traceparent])).to.not.equal(undefined);
  });

  it('a source publisher writes records and dead letters that all carry a correlation id and a traceparent', async () => {
    const producer = await kafka.producer();
    const publisher = new SourceRecordPublisher(
      producer,
      serde,
      schemas,
      'crm',
      new DeadLetterPublisher(producer, 'dlq.crm', 'connector:crm-main'),
    );
    const good = sampleCustomer();
    const { meta: _meta, ...withoutMeta } = sampleCustomer();
    await publisher.publish([
      { topic: 'crm.customer.v1', key: String(good.customerId), value: good },
      { topic: 'crm.customer.v1', key: 'wrong-key', value: withoutMeta },
    ]);
    const written = [...kafka.records('crm.customer.v1'), ...kafka.records('dlq.crm')];
    expect(written).to.have.length(2);
    for (const record of written) {
      expect(record.headers[HEADER.correlationId], record.topic).to.be.a('string').and.not.equal('');
      expect(parseTraceparent(record.headers[HEADER.traceparent]), record.topic).to.not.equal(undefined);
    }
  });

  it('a dead letter of a record that came without tracing headers gets them; one that had them keeps them', async () => {
    const producer = await kafka.producer();
    const letters = new DeadLetterPublisher(producer, 'dlq.x', 'connector:x');
    const bare = kafka.append('external', { key: 'k', value: Buffer.from('x') });
    const traced = kafka.append('external', { key: 'k', value: Buffer.from('y'), headers: CAUSE });
    await letters.publish([
      DeadLetterPublisher.fromRecord(bare, new Error('bad'), 1),
      DeadLetterPublisher.fromRecord(traced, new Error('bad'), 1),
    ]);
    const [first, second] = kafka.records('dlq.x');
    expect(first!.headers[HEADER.correlationId]).to.match(/^[0-9a-f-]{36}$/);
    expect(parseTraceparent(first!.headers[HEADER.traceparent])).to.not.equal(undefined);
    expect(second!.headers[HEADER.correlationId]).to.equal('corr-1');
    expect(second!.headers[HEADER.traceparent]).to.equal(CAUSE[HEADER.traceparent]);
  });

  it("a flow output keeps the input's correlation id, continues its trace in a new span and names the flow", async () => {
    const flow: CompiledFlow = {
      name: 'vip',
      file: 'vip.yaml',
      from: ['in'],
      to: [{ topic: 'out', schema: 'crmhub.customer.Customer' }],
      errors: { retry, deadLetterTopic: 'dlq.flow.vip' },
      concurrency: 1,
      process: async (message) => [
        { destination: { topic: 'out', schema: 'crmhub.customer.Customer' }, message },
        { destination: { topic: 'out', schema: 'crmhub.customer.Customer' }, message },
      ],
      close: async () => undefined,
    };
    const runner = new FlowRunner(flow, kafka, await kafka.producer(), serde, schemas, logger);
    await runner.start();
    const input = await customerRecord('in', CAUSE);
    await kafka.handlers.get(runner.groupId)!({ topic: 'in', partition: 0, records: [input] }, control);

    const outputs = kafka.records('out');
    expect(outputs).to.have.length(2);
    for (const output of outputs) {
      expectContinues(output.headers, CAUSE);
      expect(output.headers[HEADER.stage]).to.equal('flow:vip');
      expect(output.headers[HEADER.eventType]).to.equal('CustomerUpdated');
    }
    expect(outputs[0]!.headers[HEADER.traceparent], 'each output its own span').to.not.equal(outputs[1]!.headers[HEADER.traceparent]);
  });

  it('a flow output of an input without tracing headers still carries them', async () => {
    const flow: CompiledFlow = {
      name: 'plain',
      file: 'plain.yaml',
      from: ['in'],
      to: [{ topic: 'out' }],
      errors: { retry, deadLetterTopic: 'dlq.flow.plain' },
      concurrency: 1,
      process: async (message) => [{ destination: { topic: 'out', schema: 'crmhub.customer.Customer' }, message }],
      close: async () => undefined,
    };
    const runner = new FlowRunner(flow, kafka, await kafka.producer(), serde, schemas, logger);
    await runner.start();
    await kafka.handlers.get(runner.groupId)!({ topic: 'in', partition: 0, records: [await customerRecord('in', {})] }, control);
    const [output] = kafka.records('out');
    expect(output!.headers[HEADER.correlationId]).to.equal('corr-20261123-000001');
    expect(parseTraceparent(output!.headers[HEADER.traceparent])).to.not.equal(undefined);
  });

  it("what a sink delivery brings back continues the delivered record's trace and names the sink", async () => {
    const instance: ConnectorInstanceConfig = {
      name: 'erp-main',
      connector: 'erp',
      enabled: true,
      config: {},
      deadLetterTopic: 'dlq.erp-main',
      retry,
      batchSize: 10,
      concurrency: 1,
      webhook: { toleranceSeconds: 300, maxBodyBytes: 1024 },
    };
    const producer = await kafka.producer();
    const deadLetters = new DeadLetterPublisher(producer, instance.deadLetterTopic, 'connector:erp-main');
    const replies = new SourceRecordPublisher(producer, serde, schemas, 'erp', deadLetters);
    const replyMeta: Record<string, unknown> = {
      ...(sampleCustomer().meta as Record<string, unknown>),
      correlationId: 'corr-of-the-reply-meta',
    };
    const reply: Record<string, unknown> = { ...sampleCustomer(), meta: replyMeta };
    const connector = {
      deliver: async () => [{ ok: true as const, records: [{ topic: 'crm.customer.v1', key: String(reply.customerId), value: reply }] }],
    };
    const sink = new SinkRunner(
      instance,
      ['in'],
      connector,
      kafka,
      serde,
      deadLetters,
      new InstanceStatus('erp-main', 'erp', 'sink'),
      logger,
      replies,
    );
    await sink.start();
    await kafka.handlers.get(sink.groupId)!({ topic: 'in', partition: 0, records: [await customerRecord('in', CAUSE)] }, control);

    const [written] = kafka.records('crm.customer.v1');
    expectContinues(written!.headers, CAUSE);
    expect(written!.headers[HEADER.stage]).to.equal('sink:erp-main');
    expect(written!.headers[HEADER.eventId], 'the reply is its own event').to.equal(replyMeta.eventId);
  });
});
