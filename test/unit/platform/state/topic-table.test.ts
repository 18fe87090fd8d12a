import { expect } from 'chai';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { TopicTable } from '../../../../src/platform/state/topic-table.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

const control = { heartbeat: async () => undefined, isRunning: () => true };

describe('TopicTable', () => {
  let schemas: SchemaCatalog;

  before(async () => {
    schemas = await SchemaCatalog.load();
  });

  for (const encodedRows of [false, true]) {
    it(`serves the latest row per key, deletes on a tombstone and tells listeners the previous row (${encodedRows ? 'rows kept encoded' : 'rows kept decoded'})`, async () => {
      const kafka = new InMemoryKafka();
      const serde = new AvroSerde(new InMemorySchemaRegistry());
      const encode = async (customerId: string, fullName: string) =>
        serde.encode(valueSubject('crm.customer.v1'), schemas.registrySchema('crmhub.customer.Customer'), {
          ...sampleCustomer(),
          customerId,
          fullName,
        });
      const records = [
        kafka.append('crm.customer.v1', { key: 'C1', value: await encode('C1', '张伟') }),
        kafka.append('crm.customer.v1', { key: 'C2', value: await encode('C2', '李娜') }),
        kafka.append('crm.customer.v1', { key: 'C1', value: await encode('C1', '张伟强') }),
        kafka.append('crm.customer.v1', { key: 'C2', value: null }),
      ];
      const table = new TopicTable('crm.customer.v1', kafka, serde, createLogger({ level: 'error' }), { encodedRows });
      const changes: string[] = [];
      table.onChange((key, value, previous) => changes.push(`${key}: ${String(previous?.fullName)} → ${String(value?.fullName)}`));
      await table.start();
      const [group] = [...kafka.handlers.keys()].filter((id) => id.startsWith('crm-hub.table.crm.customer.v1.'));
      await kafka.handlers.get(group!)!({ topic: 'crm.customer.v1', partition: 0, records }, control);
      await table.ready;

      expect(table.size).to.equal(1);
      expect(table.get('C1')).to.deep.include({ customerId: 'C1', fullName: '张伟强', birthDate: sampleCustomer().birthDate });
      expect(table.get('C2')).to.equal(undefined);
      expect([...table.values()].map((row) => row.fullName)).to.deep.equal(['张伟强']);
      expect(changes).to.deep.equal(['C1: undefined → 张伟', 'C2: undefined → 李娜', 'C1: 张伟 → 张伟强', 'C2: 李娜 → undefined']);
      if (encodedRows) {
        table.get('C1')!.fullName = 'changed by a step';
        expect(table.get('C1')!.fullName, 'each lookup decodes its own copy').to.equal('张伟强');
      }
      await table.stop();
    });
  }
});
