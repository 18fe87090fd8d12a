import { promises as fs } from 'node:fs';
import { expect } from 'chai';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { compileFlowFile } from '../../../src/flows/flow-compiler.js';
import { FlowRunner } from '../../../src/flows/flow-runner.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../support/in-memory-kafka.js';
import { schemasWithTopics } from '../../support/schemas-with-topics.js';
import { withDeclaredTopics } from '../../support/declared-flow-topics.js';

const control = { heartbeat: async () => undefined, isRunning: () => true };

describe('FlowRunner on JSON topics', () => {
  let dir: string;
  let schemas: SchemaCatalog;
  let serde: AvroSerde;
  let kafka: InMemoryKafka;

  before(async () => {
    // The project's schemas with two topics declared "format": "json", as a user would add them to topics.json.
    dir = await schemasWithTopics({
      'legacy.customer.json': { record: 'crmhub.customer.Customer', key: 'customerId', format: 'json' },
      'legacy.customer-copy.json': { record: 'crmhub.customer.Customer', key: 'customerId', format: 'json' },
    });
    schemas = await SchemaCatalog.load(dir);
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));
  beforeEach(() => {
    serde = new AvroSerde(new InMemorySchemaRegistry());
    kafka = new InMemoryKafka();
  });

  async function run(text: string, values: Buffer[]): Promise<FlowRunner> {
    const { flow, issues } = compileFlowFile(
      {
        file: 'json.yaml',
        text: withDeclaredTopics(text, { 'legacy.customer.avro': 'crmhub.customer.Customer', 'out.avro': 'crmhub.customer.Customer' }),
      },
      { schemas, steps: createStepRegistry(), table: () => ({ get: () => undefined }) },
    );
    expect(issues).to.deep.equal([]);
    const runner = new FlowRunner(flow!, kafka, await kafka.producer(), serde, schemas, createLogger({ level: 'error' }));
    await runner.start();
    const records = values.map((value, index) => kafka.append('legacy.customer.json', { key: `K${index}`, value }));
    await kafka.handlers.get(runner.groupId)!({ topic: 'legacy.customer.json', partition: 0, records }, control);
    return runner;
  }

  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  it("reads JSON records checked against the topic's record, and writes JSON or Avro as each output topic says", async () => {
    const base = sampleCustomer() as Record<string, unknown> & { meta: Record<string, unknown> };
    // An offset instead of Z: read as Avro would give it, so steps see one form.
    const customer = {
      ...base,
      customerId: 'C1',
      somethingElse: 'dropped',
      meta: { ...base.meta, occurredAt: '2026-11-23T16:30:00+08:00' },
    };
    const runner = await run(
      `name: json-in-out
from: legacy.customer.json
steps:
  - map: { keep: true, fields: { fullName: "$uppercase(fullName) & ' ' & meta.occurredAt" } }
to: [{ topic: legacy.customer-copy.json }, { topic: legacy.customer.avro, schema: crmhub.customer.Customer }]
`,
      [json(customer)],
    );
    expect(runner.counters).to.include({ recordsIn: 1, recordsOut: 2, deadLettered: 0 });

    const [jsonOut] = kafka.records('legacy.customer-copy.json');
    expect(jsonOut!.headers['content-type']).to.equal('application/json');
    const written = JSON.parse(jsonOut!.value!.toString('utf8')) as Record<string, unknown>;
    expect(written.fullName).to.equal(`${String(sampleCustomer().fullName).toUpperCase()} 2026-11-23T08:30:00.000Z`);
    expect(written).to.not.have.property('somethingElse');
    expect((written.meta as { occurredAt: string }).occurredAt).to.equal('2026-11-23T08:30:00.000Z');
    expect(jsonOut!.headers['correlation-id'], 'tracing headers as on any output').to.be.a('string');

    const [avroOut] = kafka.records('legacy.customer.avro');
    expect(avroOut!.value![0], 'the Confluent magic byte').to.equal(0);
    expect(((await serde.decode(avroOut!.value)).value as { fullName: string }).fullName).to.equal(written.fullName);
  });

  it('dead-letters text that is not JSON and JSON that is not the record, naming why, and passes the good ones', async () => {
    const good = { ...sampleCustomer(), customerId: 'C2' };
    const runner = await run(
      `name: json-bad
from: legacy.customer.json
steps:
  - filter: "true"
to: { topic: out.avro, schema: crmhub.customer.Customer }
`,
      [Buffer.from('{"customerId": "C1",'), json({ ...good, customerId: 7, status: 'SLEEPING' }), json(good)],
    );
    expect(runner.counters).to.include({ recordsIn: 3, recordsOut: 1, deadLettered: 2 });
    const [notJson, notRecord] = kafka.records('dlq.flow.json-bad');
    expect(notJson!.headers['dlq-error-code']).to.equal('JSON_INVALID');
    expect(notJson!.headers['dlq-error-message']).to.match(/legacy\.customer\.json\[0\]@0: value is not JSON text/);
    expect(notRecord!.headers['dlq-error-code']).to.equal('JSON_RECORD_INVALID');
    expect(notRecord!.headers['dlq-error-message']).to.match(
      /does not match crmhub\.customer\.Customer: customerId: expected string, got 7; status: .*SLEEPING/,
    );
    expect(notRecord!.value!.toString('utf8'), 'the original bytes are kept').to.contain('"SLEEPING"');
  });

  it('refuses to write a JSON output that does not fit its record, as for Avro', async () => {
    const runner = await run(
      `name: json-out-bad
from: legacy.customer.json
steps:
  - map: { keep: true, fields: { phones: "$count(phones) > 0 ? 'several' : 'none'" } }
to: { topic: legacy.customer-copy.json }
`,
      [json({ ...sampleCustomer(), customerId: 'C3' })],
    );
    expect(runner.counters).to.include({ recordsOut: 0, deadLettered: 1 });
    const [dead] = kafka.records('dlq.flow.json-out-bad');
    expect(dead!.headers['dlq-error-message']).to.match(/does not match crmhub\.customer\.Customer: phones: /);
  });
});
