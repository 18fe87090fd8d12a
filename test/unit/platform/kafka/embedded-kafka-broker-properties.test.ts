import { expect } from 'chai';
import { serverProperties } from '../../../../src/platform/kafka/embedded-kafka-broker.js';

describe('the embedded Kafka broker', () => {
  it('creates no topic because a client named it', () => {
    const properties = serverProperties({ port: 9092, controllerPort: 9093, logDir: '/tmp/kafka-logs' }).split('\n');
    expect(properties).to.include('auto.create.topics.enable=false');
    expect(properties).not.to.include('auto.create.topics.enable=true');
  });
});
