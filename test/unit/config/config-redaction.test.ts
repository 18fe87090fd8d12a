import { expect } from 'chai';
import { redactConfig, redactSecrets } from '../../../src/config/config-redaction.js';
import type { ConnectorInstanceConfig } from '../../../src/config/connector-instance-config.js';
import { validateHubConfig } from '../../../src/config/hub-config-validation.js';
import exampleEcho from '../../../connectors/example-echo/index.js';
import { testCatalog, testPoller } from './test-connectors.js';

function instance(overrides: Partial<ConnectorInstanceConfig>): ConnectorInstanceConfig {
  return {
    name: 'x',
    connector: 'example-echo',
    enabled: true,
    config: {},
    deadLetterTopic: 'dlq.x',
    retry: { attempts: 5, initialDelayMs: 200, maxDelayMs: 30000, multiplier: 2 },
    batchSize: 100,
    concurrency: 4,
    webhook: { toleranceSeconds: 300, maxBodyBytes: 1048576 },
    ...overrides,
  };
}

describe('config redaction', () => {
  it('replaces writeOnly values of the spec and the webhook secret, and nothing else', () => {
    const original = instance({
      config: { target: 'https://erp.example.com', keyCase: 'upper', auth: { user: 'hub', password: 'correct horse' } },
      webhook: { secret: 'whsec-1', toleranceSeconds: 300, maxBodyBytes: 1048576 },
    });
    const redacted = redactConfig(original, exampleEcho);
    expect(redacted).to.deep.equal({
      ...original,
      config: { target: 'https://erp.example.com', keyCase: 'upper', auth: { user: 'hub', password: '***' } },
      webhook: { secret: '***', toleranceSeconds: 300, maxBodyBytes: 1048576 },
    });
    // A copy: the running instance keeps its real secrets.
    expect((original.config.auth as { password: string }).password).to.equal('correct horse');
    expect(original.webhook.secret).to.equal('whsec-1');
  });

  it('finds secrets inside alternative forms, $ref definitions and array items', () => {
    const config = {
      url: 'https://crm.example.com',
      auth: { type: 'basic', user: 'hub', password: 'p@ss' },
      headers: [
        { name: 'X-Api-Key', value: 'key-1' },
        { name: 'X-Tenant', value: 'key-2' },
      ],
    };
    expect(redactSecrets(config, testPoller.spec)).to.deep.equal({
      url: 'https://crm.example.com',
      auth: { type: 'basic', user: 'hub', password: '***' },
      headers: [
        { name: 'X-Api-Key', value: '***' },
        { name: 'X-Tenant', value: '***' },
      ],
    });
    expect(redactSecrets({ auth: { type: 'bearer', token: 't0k3n' } }, testPoller.spec)).to.deep.equal({ auth: { type: 'bearer', token: '***' } });
  });

  it('leaves absent secrets absent rather than inventing them', () => {
    expect(redactConfig(instance({ config: { target: 'https://a.example.com' } }), exampleEcho)).to.deep.equal(instance({ config: { target: 'https://a.example.com' } }));
  });

  it('redacts a config as loaded, with secrets from the environment', () => {
    const text = ['connectors:', '  erp-main:', '    connector: example-echo', '    config:', '      target: https://erp.example.com', '      auth: { user: hub, password: ${ECHO_PASSWORD} }', ''].join('\n');
    const { config } = validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, { ECHO_PASSWORD: 'correct horse' });
    const shown = JSON.stringify(config!.connectors.map((loaded) => redactConfig(loaded, testCatalog.get(loaded.connector))));
    expect(shown).not.to.include('correct horse');
    expect(shown).to.include('"password":"***"');
  });
});
