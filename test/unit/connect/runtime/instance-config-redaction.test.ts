import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { redactConfig } from '../../../../src/connect/runtime/instance-config-redaction.js';
import { redactSecrets } from '../../../../src/platform/observability/schema-secret-redaction.js';
import type { ConnectorInstanceConfig } from '../../../../src/connect/runtime/connector-instance-config.js';
import { validateHubConfig } from '../../../../src/hub/hub-config.js';
import exampleEcho from '../../../../connectors/example-echo/index.js';
import { testCatalog, testPoller } from '../../../support/test-connectors.js';

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
      config: { target: 'https://erp.example.com', keyCase: 'upper', auth: { user: 'hub', password: '[redacted]' } },
      webhook: { secret: '[redacted]', toleranceSeconds: 300, maxBodyBytes: 1048576 },
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
      auth: { type: 'basic', user: 'hub', password: '[redacted]' },
      headers: [
        { name: 'X-Api-Key', value: '[redacted]' },
        { name: 'X-Tenant', value: '[redacted]' },
      ],
    });
    expect(redactSecrets({ auth: { type: 'bearer', token: 't0k3n' } }, testPoller.spec)).to.deep.equal({
      auth: { type: 'bearer', token: '[redacted]' },
    });
  });

  it('leaves absent secrets absent rather than inventing them', () => {
    expect(redactConfig(instance({ config: { target: 'https://a.example.com' } }), exampleEcho)).to.deep.equal(
      instance({ config: { target: 'https://a.example.com' } }),
    );
  });

  it('redacts a config as loaded, with secrets from the environment', () => {
    const text = [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config:',
      '      target: https://erp.example.com',
      '      auth: { user: hub, password: ${ECHO_PASSWORD} }',
      '',
    ].join('\n');
    const { config } = validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, { ECHO_PASSWORD: 'correct horse' });
    const shown = JSON.stringify(config!.connectors.map((loaded) => redactConfig(loaded, testCatalog.get(loaded.connector))));
    expect(shown).not.to.include('correct horse');
    expect(shown).to.include('"password":"[redacted]"');
  });

  it('redacts every ${ENV} value whatever its field, and the user info and credential parameters of URLs', () => {
    // Unique values: the secret registry is the process's, shared with every other test.
    const tenant = `tenant-${randomUUID()}`;
    const urlPassword = `pw-${randomUUID()}`;
    const text = [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config:',
      `      target: "https://hub:${urlPassword}@erp.example.com/api?tenant=\${ERP_TENANT}&token=t-12345"`,
      '      auth: { user: ${ECHO_USER}, password: ${ECHO_PASSWORD} }',
      '',
    ].join('\n');
    const { config, issues } = validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, {
      ERP_TENANT: tenant,
      ECHO_USER: `user-${tenant}`,
      ECHO_PASSWORD: 'correct horse',
    });
    expect(issues).to.deep.equal([]);
    const shown = redactConfig(config!.connectors[0]!, testCatalog.get('example-echo')).config;
    expect(shown).to.deep.equal({
      target: 'https://[redacted]@erp.example.com/api?tenant=[redacted]&token=[redacted]',
      keyCase: 'as-is',
      auth: { user: '[redacted]', password: '[redacted]' },
    });
  });
});
