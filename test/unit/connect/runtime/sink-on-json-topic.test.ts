import { promises as fs } from 'node:fs';
import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { defineConnector } from '../../../../src/connect/sdk/connector-definition.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { ConnectorRuntime } from '../../../../src/connect/runtime/connector-runtime.js';
import { instanceConfig } from '../../../support/runtime-harness.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';
import { schemasWithTopics } from '../../../support/schemas-with-topics.js';

describe('a sink on a JSON topic', () => {
  let dir: string;

  before(async () => {
    dir = await schemasWithTopics({ 'legacy.customer.json': { record: 'crmhub.customer.Customer', key: 'customerId', format: 'json' } });
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('is refused at start with a reason that says what to do, while an Avro sink beside it runs', async () => {
    const sink = defineConnector({
      name: 'json-test-sink',
      version: '1.0.0',
      description: 'delivers nothing',
      kind: 'sink',
      consumes: [],
      spec: { type: 'object' },
      create: () => ({ deliver: async (records) => records.map(() => ({ ok: true as const })) }),
    });
    const runtime = await ConnectorRuntime.start(
      {
        file: 'test',
        connectors: [
          instanceConfig({ name: 'legacy-out', connector: sink.name, config: {}, topics: ['legacy.customer.json'] }),
          instanceConfig({ name: 'avro-out', connector: sink.name, config: {}, topics: ['crm.customer.v1'] }),
        ],
      },
      {
        client: new InMemoryKafka(),
        serde: new AvroSerde(new InMemorySchemaRegistry()),
        schemas: await SchemaCatalog.load(dir),
        logger: createLogger({ level: 'error' }),
        connectors: { get: () => sink },
      },
    );
    try {
      const refused = runtime.status('legacy-out');
      expect(refused.state).to.equal('failed');
      expect(refused.lastError).to.include({ code: 'TOPIC_FORMAT_UNSUPPORTED' });
      expect(refused.lastError!.message).to.match(/reads legacy\.customer\.json, declared "format": "json".*route it through a flow/);
      expect(runtime.status('avro-out').state).to.equal('running');
    } finally {
      await runtime.stop();
    }
  });
});
