import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { HubError } from '../../../../src/core/hub-error.js';
import { TraceFinder } from '../../../../src/operations/tracing/trace-finder.js';
import { TraceQueryError } from '../../../../src/operations/tracing/trace-query-error.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';
import { T0, TRACE, traceScenario } from './trace-scenario.js';

describe('TraceFinder', () => {
  let schemas: SchemaCatalog;
  const since = new Date(T0 - 60_000);

  before(async () => {
    schemas = await SchemaCatalog.load();
  });

  it('follows a correlation id through the topics in time order, with stages and delays, skipping internal topics', async () => {
    const { kafka, serde } = await traceScenario(schemas);
    const trace = await new TraceFinder({ client: kafka, schemas, serde }).find({ correlationId: 'corr-1', since });

    expect(trace.hops.map((hop) => [hop.topic, hop.stage.kind, hop.stage.name, hop.sinceFirstMs, hop.sincePreviousMs])).to.deep.equal([
      ['crm.customer.v1', 'source', 'crm', 0, null],
      ['vip.customer.v1', 'flow', 'vip', 40, 40],
      ['dlq.erp-main', 'dead-letter', 'connector:erp-main', 90, 50],
      ['odd.topic', 'source', 'crm', 300, 210],
    ]);
    const [first] = trace.hops;
    expect(first).to.include({
      partition: 1,
      offset: '0',
      timestamp: '2026-03-01T08:00:00.000Z',
      key: 'C1',
      eventType: 'CustomerUpdated',
      sourceSystem: 'crm',
      correlationId: 'corr-1',
      traceId: TRACE,
      matchedBy: 'correlation-id',
    });
    expect(first).to.not.have.property('value');
    expect(trace.hops[2]!.stage.reason).to.include({ code: 'ERP_REJECTED', message: 'ERP said no', originalTopic: 'crm.customer.v1' });
    expect(trace.traceIds).to.deep.equal([TRACE]);
    expect(trace.correlationIds).to.deep.equal(['corr-1']);
    expect(trace.query).to.deep.include({ correlationId: 'corr-1', keys: [], since: since.toISOString(), limit: 50_000 });
    expect(trace.scan).to.include({ topics: 5, partitions: 10, limitHit: false, unfinished: 0 });
    expect(trace.scan.scanned).to.equal(trace.scan.inRange).and.equal(6);
    expect(kafka.scans[0]!.map((range) => range.topic)).to.not.include.members([
      'crm-hub.flow-state.vip',
      '__consumer_offsets',
      '_schemas',
      'crm-hub-schema-registry-journal',
    ]);
  });

  it("by key finds every record of that key, whatever its correlation id; with a customer resolver also the customer's other keys", async () => {
    const { kafka, serde } = await traceScenario(schemas);
    const byKey = await new TraceFinder({ client: kafka, schemas, serde }).find({ key: 'C2', since });
    expect(byKey.hops.map((hop) => [hop.topic, hop.key, hop.matchedBy, hop.correlationId])).to.deep.equal([
      ['crm.customer.v1', 'C2', 'key', 'corr-2'],
    ]);

    const asked: string[] = [];
    const resolveCustomer = (key: string) => {
      asked.push(key);
      return key === 'C1' ? ['G-1', 'P-9'] : [];
    };
    const customer = await new TraceFinder({ client: kafka, schemas, serde, resolveCustomer }).find({ key: 'C1', since });
    expect(asked).to.deep.equal(['C1']);
    expect(customer.query.keys).to.deep.equal(['C1', 'G-1', 'P-9']);
    expect(customer.hops.map((hop) => hop.topic)).to.deep.equal([
      'crm.customer.v1',
      'vip.customer.v1',
      'dlq.erp-main',
      'policy.policy.v1',
      'odd.topic',
    ]);
    expect(customer.correlationIds).to.deep.equal(['corr-1', 'corr-3']);
  });

  it('with both a correlation id and a key, finds records matching either', async () => {
    const { kafka, serde } = await traceScenario(schemas);
    const trace = await new TraceFinder({ client: kafka, schemas, serde }).find({ correlationId: 'corr-2', key: 'P-9', since });
    expect(trace.hops.map((hop) => [hop.topic, hop.matchedBy])).to.deep.equal([
      ['crm.customer.v1', 'correlation-id'],
      ['policy.policy.v1', 'key'],
    ]);
  });

  it('reads from since on: an older record is not found unless since reaches back to it', async () => {
    const { kafka, serde } = await traceScenario(schemas);
    const finder = new TraceFinder({ client: kafka, schemas, serde });
    expect((await finder.find({ correlationId: 'corr-old', since })).hops).to.have.length(0);
    expect((await finder.find({ correlationId: 'corr-old', since: new Date(T0 - 7_200_000) })).hops).to.have.length(1);
  });

  it('a since before 1970 reads from the beginning: the broker is never asked for a negative timestamp (it refuses one)', async () => {
    const { kafka, serde } = await traceScenario(schemas);
    const asked: number[] = [];
    const rangesSince = kafka.rangesSince.bind(kafka);
    kafka.rangesSince = async (topics: string[], timestamp: number) => {
      asked.push(timestamp);
      if (timestamp < 0) throw new HubError('KAFKA_REQUEST_FAILED', 'The version of API is not supported', { retriable: true });
      return rangesSince(topics, timestamp);
    };
    const trace = await new TraceFinder({ client: kafka, schemas, serde }).find({
      correlationId: 'corr-old',
      since: new Date('0460-08-16T03:30:10-04:20'),
    });
    expect(trace.hops).to.have.length(1);
    expect(asked).to.deep.equal([0]);
  });

  it('reads at most limit records, the newest, and says the bound was hit', async () => {
    const kafka = new InMemoryKafka(1);
    for (let i = 0; i < 10; i++)
      kafka.append('crm.customer.v1', { key: `C${i}`, value: null, headers: { 'correlation-id': 'busy' }, timestamp: T0 + i });
    const { serde } = await traceScenario(schemas);
    const trace = await new TraceFinder({ client: kafka, schemas, serde }).find({ correlationId: 'busy', since, limit: 4 });
    expect(trace.scan).to.include({ inRange: 10, scanned: 4, limitHit: true });
    expect(trace.hops.map((hop) => hop.offset)).to.deep.equal(['6', '7', '8', '9']);
  });

  it('shows values only when asked, decoded and with personal data masked; values nothing says how to mask are not shown', async () => {
    const { kafka, serde } = await traceScenario(schemas);
    const trace = await new TraceFinder({ client: kafka, schemas, serde }).find({ correlationId: 'corr-1', since, values: true });
    const [source, flow, dead, odd] = trace.hops;
    const customer = sampleCustomer();
    expect(source!.schemaName).to.equal('crmhub.customer.Customer');
    const value = source!.value as Record<string, unknown>;
    expect(value.customerId).to.equal(customer.customerId);
    expect(value.fullName).to.equal('张*');
    expect(JSON.stringify(value)).to.not.contain(String(customer.idNumber));
    expect(JSON.stringify(value)).to.not.contain('13812345678');
    expect((flow!.value as Record<string, unknown>).fullName).to.equal(value.fullName);
    expect(dead!.schemaName, "a JSON dead letter is read as its original topic's record").to.equal('crmhub.customer.Customer');
    expect((dead!.value as Record<string, unknown>).fullName).to.equal(value.fullName);
    expect(odd!.value).to.equal(undefined);
    expect(odd!.valueError).to.match(/^not decoded: /);
  });

  it('refuses a query with nothing to look for or a limit that is no count', async () => {
    const { kafka, serde } = await traceScenario(schemas);
    const finder = new TraceFinder({ client: kafka, schemas, serde });
    for (const query of [{}, { correlationId: '' }, { key: 'C1', limit: 0 }, { key: 'C1', limit: 1.5 }]) {
      const error = await finder.find(query).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, JSON.stringify(query)).to.be.instanceOf(TraceQueryError);
    }
  });

  it('answers a broker that does not with a retriable error', async () => {
    const { kafka, serde } = await traceScenario(schemas);
    kafka.scanRanges = async () => {
      throw new Error('Connection error: ECONNREFUSED');
    };
    const error = await new TraceFinder({ client: kafka, schemas, serde }).find({ correlationId: 'corr-1' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(HubError).and.include({ code: 'TRACE_BROKER_UNAVAILABLE', retriable: true });
  });
});
