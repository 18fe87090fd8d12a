import { expect } from 'chai';
import { HubError } from '../../../../src/core/hub-error.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

/**
 * A misspelt topic must fail, not quietly appear on the broker (where a flow would wait on it for
 * ever): the hub's client never asks the broker to create a topic, whatever the broker allows.
 */
describe('the hub never creates a topic by writing to it', () => {
  it('fails a send to a topic nobody created with TOPIC_NOT_FOUND and creates no topic', async () => {
    const client = new KafkajsClient({ brokers: infrastructure().kafka.brokers, clientId: 'it-no-auto-create' });
    const topic = uniqueName('it.crm.customr.v1');
    const producer = await client.producer();
    const admin = await client.admin();
    try {
      const error = await producer.send(topic, [{ key: 'C1', value: Buffer.from('{}') }]).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).to.be.instanceOf(HubError);
      expect(error).to.include({ code: 'TOPIC_NOT_FOUND', retriable: false });
      expect((error as Error).message).to.contain(`topic ${topic} does not exist`);
      expect(await admin.listTopics()).not.to.include(topic);

      // Once created (as the hub creates what it writes), the same producer writes it.
      await admin.ensureTopics([{ topic }]);
      const [position] = await producer.send(topic, [{ key: 'C1', value: Buffer.from('{}') }]);
      expect(position).to.include({ topic, offset: '0' });
    } finally {
      await admin.deleteTopics([topic]).catch(() => undefined);
      await admin.disconnect();
      await producer.disconnect();
    }
  });
});
