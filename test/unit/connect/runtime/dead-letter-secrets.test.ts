import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { HubProducer, OutgoingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import { registerSecret } from '../../../../src/platform/observability/secret-registry.js';
import { DeadLetterPublisher } from '../../../../src/connect/runtime/dead-letter-publisher.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { DeliveryError } from '../../../../src/connect/sdk/delivery-error.js';
import { InstanceStatus } from '../../../../src/connect/runtime/instance-status.js';

class RecordingProducer implements HubProducer {
  readonly sent: OutgoingRecord[] = [];
  async send(topic: string, records: OutgoingRecord[]) {
    this.sent.push(...records);
    return records.map(() => ({ topic, partition: 0, offset: '0' }));
  }
  async disconnect() {}
}

describe('secrets in dead letters and status', () => {
  // Unique: the registry is the process's, shared with every other test.
  const secret = `api-key-${randomUUID()}`;
  const quoted = `PUT http://hub:${secret}@erp.example.cn/x?api_key=k-${randomUUID()}: HTTP 401 {"credentials":"${Buffer.from(`hub:${secret}`).toString('base64')}","sent":"${encodeURIComponent(secret)}"}`;
  before(() => registerSecret(secret));

  it("leaves no secret in a dead letter's reason or in the headers the record came with; the value stays as it was", async () => {
    const producer = new RecordingProducer();
    const value = Buffer.from('original bytes');
    await new DeadLetterPublisher(producer, 'dlq.x', 'connector:x').publish([
      {
        key: 'k1',
        value,
        headers: { 'x-reply': `token ${secret}` },
        error: new DeliveryError('HTTP_401', quoted, { retriable: false }),
        attempts: 1,
        originalTopic: 'in',
      },
    ]);
    const [letter] = producer.sent;
    const headers = JSON.stringify(letter!.headers);
    expect(headers)
      .not.to.contain(secret)
      .and.not.to.contain(Buffer.from(`hub:${secret}`).toString('base64'))
      .and.not.to.contain('k-');
    expect(letter!.headers![DEAD_LETTER_HEADER.errorMessage]).to.contain('HTTP 401').and.to.contain('[redacted]');
    expect(letter!.headers!['x-reply']).to.equal('token [redacted]');
    expect(letter!.value).to.equal(value);
  });

  it("keeps no secret in a status's last error", () => {
    const status = new InstanceStatus('x', 'http-sink', 'sink');
    status.recordError(new DeliveryError('HTTP_401', quoted, { retriable: false }));
    const message = status.report().lastError!.message;
    expect(message).not.to.contain(secret).and.not.to.contain('k-');
    expect(message).to.contain('HTTP 401');
  });
});
