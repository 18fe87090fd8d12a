import { expect } from 'chai';
import path from 'node:path';
import { hubSettingsFromEnv } from '../../../src/hub/hub-settings.js';
import { ConfigError } from '../../../src/core/hub-error.js';

describe('hub settings from the environment', () => {
  it('defaults to port 8080 and the embedded services when nothing is set', () => {
    const settings = hubSettingsFromEnv({}, '/opt/crm-hub');
    expect(settings.httpPort).to.equal(8080);
    expect(settings.kafkaBrokers).to.equal(undefined);
    expect(settings.schemaRegistryUrl).to.equal(undefined);
    expect(settings.dataDir).to.equal(path.join('/opt/crm-hub', '.crm-hub'));
    expect(settings.schemasDir).to.equal(path.join('/opt/crm-hub', 'schemas'));
  });

  it('listens on loopback only unless CRM_HUB_HOST says otherwise, empty meaning unset', () => {
    expect(hubSettingsFromEnv({}, '/x').httpHost).to.equal('127.0.0.1');
    expect(hubSettingsFromEnv({ CRM_HUB_HOST: '' }, '/x').httpHost).to.equal('127.0.0.1');
    expect(hubSettingsFromEnv({ CRM_HUB_HOST: '0.0.0.0' }, '/x').httpHost).to.equal('0.0.0.0');
  });

  it('takes KAFKA_BROKERS, SCHEMA_REGISTRY_URL and CRM_HUB_PORT, treating empty as unset', () => {
    const settings = hubSettingsFromEnv({ KAFKA_BROKERS: 'k1:9092,k2:9092', SCHEMA_REGISTRY_URL: '', CRM_HUB_PORT: '9000' }, '/x');
    expect(settings.kafkaBrokers).to.equal('k1:9092,k2:9092');
    expect(settings.schemaRegistryUrl).to.equal(undefined);
    expect(settings.httpPort).to.equal(9000);
  });

  it('names the variable and the value when a port is not a number', () => {
    expect(() => hubSettingsFromEnv({ CRM_HUB_PORT: 'eighty' }, '/x'))
      .to.throw(ConfigError)
      .with.property('message', 'CRM_HUB_PORT="eighty" is not a port number (0-65535)');
  });

  it('takes the Kafka session timeout (the failover time) within what brokers accept, 30 s by default', () => {
    expect(hubSettingsFromEnv({}, '/x').kafkaSessionTimeoutMs).to.equal(30_000);
    expect(hubSettingsFromEnv({ CRM_HUB_KAFKA_SESSION_TIMEOUT_MS: '10000' }, '/x').kafkaSessionTimeoutMs).to.equal(10_000);
    expect(() => hubSettingsFromEnv({ CRM_HUB_KAFKA_SESSION_TIMEOUT_MS: '3000' }, '/x')).to.throw(
      ConfigError,
      'CRM_HUB_KAFKA_SESSION_TIMEOUT_MS=3000 is outside 6000-1800000 ms',
    );
    expect(() => hubSettingsFromEnv({ CRM_HUB_KAFKA_SESSION_TIMEOUT_MS: '10s' }, '/x')).to.throw(
      ConfigError,
      'is not a positive whole number',
    );
  });

  it('takes the shutdown deadline and the restarts of dead embedded services, with their defaults', () => {
    const defaults = hubSettingsFromEnv({}, '/x');
    expect(defaults.shutdownTimeoutMs).to.equal(30_000);
    expect(defaults.serviceRestart).to.include({ attempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 });
    const set = hubSettingsFromEnv(
      { CRM_HUB_SHUTDOWN_TIMEOUT_MS: '5000', CRM_HUB_SERVICE_RESTART_ATTEMPTS: '2', CRM_HUB_SERVICE_RESTART_DELAY_MS: '250' },
      '/x',
    );
    expect(set.shutdownTimeoutMs).to.equal(5000);
    expect(set.serviceRestart).to.include({ attempts: 2, initialDelayMs: 250 });
    expect(() => hubSettingsFromEnv({ CRM_HUB_SHUTDOWN_TIMEOUT_MS: '0' }, '/x')).to.throw(
      ConfigError,
      'CRM_HUB_SHUTDOWN_TIMEOUT_MS="0" is not a positive whole number',
    );
    expect(() => hubSettingsFromEnv({ CRM_HUB_SERVICE_RESTART_ATTEMPTS: 'many' }, '/x')).to.throw(
      ConfigError,
      'CRM_HUB_SERVICE_RESTART_ATTEMPTS="many" is not a positive whole number',
    );
  });
});
