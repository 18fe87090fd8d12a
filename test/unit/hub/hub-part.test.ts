import { expect } from 'chai';
import { partReleasedMessage, servicePart } from '../../../src/hub/hub-part.js';

describe('what the log says when the hub lets go of its broker and registry', () => {
  const stops: string[] = [];
  const endpoint = (origin: string, name: string) => ({ origin, stop: async () => void stops.push(name) });

  it('says "disconnected from" for a broker or registry named by the environment, which keeps running', async () => {
    const kafka = servicePart('Kafka', endpoint('env', 'kafka'));
    const registry = servicePart('schema registry', endpoint('env', 'registry'));
    expect(partReleasedMessage(kafka)).to.equal('disconnected from Kafka (KAFKA_BROKERS)');
    expect(partReleasedMessage(registry)).to.equal('disconnected from schema registry (SCHEMA_REGISTRY_URL)');
    expect(partReleasedMessage(kafka)).to.not.contain('stopped');
  });

  it('says "stopped" for what the hub started itself, and stopping calls the endpoint', async () => {
    const kafka = servicePart('Kafka', endpoint('embedded', 'embedded kafka'));
    expect(partReleasedMessage(kafka)).to.equal('stopped Kafka (embedded)');
    expect(partReleasedMessage(servicePart('Kafka', endpoint('testcontainers', 'container')))).to.equal('stopped Kafka (testcontainers)');
    expect(partReleasedMessage({ name: 'HTTP server', stop: async () => undefined })).to.equal('stopped HTTP server');
    await kafka.stop();
    expect(stops).to.deep.equal(['embedded kafka']);
  });
});
