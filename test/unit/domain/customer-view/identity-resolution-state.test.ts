import { expect } from 'chai';
import type { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import type { IncomingRecord, RecordBatch } from '../../../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import type { CanonicalRecordEncoder } from '../../../../src/domain/customer-view/canonical-record-encoder.js';
import { customerViewNames } from '../../../../src/domain/customer-view/customer-view-names.js';
import { IdentityResolutionProcessor } from '../../../../src/domain/customer-view/identity-resolution-processor.js';
import { sampleCustomer, samplePolicy } from '../../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../../support/in-memory-kafka.js';

const names = customerViewNames('unit');
const control = { heartbeat: async () => undefined, isRunning: () => true };

// Records as JSON instead of Avro: what is under test is where the resolver's state goes, not the encoding.
const serde = { decode: async (bytes: Buffer) => ({ value: JSON.parse(bytes.toString()) }) } as unknown as AvroSerde;
const encoder = {
  encode: async (topic: string, value: Record<string, unknown>) => ({
    key: String(value.goldenId ?? value.customerId ?? ''),
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
  }),
} as unknown as CanonicalRecordEncoder;

/** A process of the hub running identity resolution; `handle` is what its consumer hands batches to. */
async function startProcess(kafka: InMemoryKafka): Promise<{ handle: (topic: string, value: object) => Promise<void> }> {
  const processor = new IdentityResolutionProcessor(
    names,
    {},
    kafka,
    await kafka.producer(),
    serde,
    encoder,
    createLogger({ level: 'error' }),
  );
  await processor.start();
  const handler = kafka.handlers.get(names.identityGroup)!;
  return {
    handle: async (topic, value) => {
      const record: IncomingRecord = kafka.append(topic, { key: null, value: Buffer.from(JSON.stringify(value)) });
      const batch: RecordBatch = { topic, partition: 0, records: [record] };
      await handler(batch, control);
    },
  };
}

describe('identity resolution state', () => {
  it('keeps member records as plain JSON on its compacted state topic, and reads it again each time it becomes the active process', async () => {
    const kafka = new InMemoryKafka();
    const first = await startProcess(kafka);
    await first.handle('crm.customer.v1', sampleCustomer());
    const second = await startProcess(kafka);
    // The second process was active meanwhile (the first stood by) and linked the policy's holder.
    await second.handle('policy.policy.v1', samplePolicy());

    const state = kafka
      .records(names.identityStateTopic)
      .map((record) => [record.key!.toString(), JSON.parse(record.value!.toString()).key]);
    expect(state).to.deep.equal([
      ['crm:C440300000123', 'crm:C440300000123'],
      ['policy-admin:PDAA202644030000012345', 'policy-admin:PDAA202644030000012345'],
    ]);
    expect(kafka.configs.get(names.identityStateTopic)).to.deep.equal({ 'cleanup.policy': 'compact' });

    // The first becomes the active one again: it must know the policy's member, so the same record again changes nothing.
    kafka.joinGroup(names.identityGroup, {});
    const before = kafka.records('customer.xref.v1').length;
    await first.handle('policy.policy.v1', samplePolicy());

    expect(kafka.records('customer.xref.v1').length).to.equal(before);
    expect(kafka.records(names.identityStateTopic)).to.have.length(2);
  });
});
