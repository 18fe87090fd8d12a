import { expect } from 'chai';
import { formatConfigIssue } from '../../../../src/platform/config/config-issue.js';
import { validateHubConfig } from '../../../../src/hub/hub-config.js';
import { ConnectorCatalog } from '../../../../src/connect/sdk/connector-catalog.js';
import { defineConnector } from '../../../../src/connect/sdk/connector-definition.js';
import { testPoller } from '../../../support/test-connectors.js';

/** A source that receives webhooks, as crm, claims, policy-admin, scm-inventory and http-source do. */
const pushSource = defineConnector({
  name: 'test-push',
  version: '0.0.1',
  kind: 'source',
  description: 'Receives webhooks; for config tests',
  produces: ['crm.customer.v1'],
  receivesWebhooks: true,
  spec: { type: 'object' },
  create: () => ({ webhook: { eventId: () => 'e', toRecords: () => [] } }),
});
const catalog = ConnectorCatalog.of([pushSource, testPoller]);

function validate(text: string, env: NodeJS.ProcessEnv = {}) {
  return validateHubConfig({ file: 'hub/crm-hub.yaml', text }, catalog, env);
}

describe('validation: the webhook secret of push sources', () => {
  it('refuses a push source with neither a secret nor insecure: true, naming file, line, path and why', () => {
    const result = validate(['connectors:', '  orders-in:', '    connector: test-push', '    config: {}', ''].join('\n'));
    expect(result.config).to.equal(undefined);
    expect(result.issues).to.have.length(1);
    const [issue] = result.issues;
    expect(issue).to.include({ file: 'hub/crm-hub.yaml', line: 2, path: 'connectors.orders-in.webhook.secret', code: 'REQUIRED_MISSING' });
    expect(formatConfigIssue(issue!)).to.match(
      /^hub\/crm-hub\.yaml:2:\d+ connectors\.orders-in\.webhook\.secret: is required: test-push receives webhooks/,
    );
    expect(issue!.message)
      .to.contain('anyone who can reach the hub can post records')
      .and.contain('webhook.insecure: true')
      .and.contain('${ORDERS_IN_WEBHOOK_SECRET}');
    // Only that instance is refused: the hub starts the others and reports it as failed.
    expect([...result.partial!.failed.keys()]).to.deep.equal(['orders-in']);
  });

  it('points at the webhook block when one is written without a secret, and at insecure: false as not enough', () => {
    const written = validate(
      [
        'connectors:',
        '  orders-in:',
        '    connector: test-push',
        '    webhook:',
        '      maxBodyBytes: 1000',
        '      insecure: false',
        '',
      ].join('\n'),
    );
    expect(written.issues.map((issue) => [issue.line, issue.path, issue.code])).to.deep.equal([
      [4, 'connectors.orders-in.webhook.secret', 'REQUIRED_MISSING'],
    ]);
  });

  it('accepts a secret from the environment, and insecure: true said explicitly', () => {
    const signed = validate(
      ['connectors:', '  orders-in:', '    connector: test-push', '    webhook: { secret: "${ORDERS_SECRET}" }', ''].join('\n'),
      { ORDERS_SECRET: 'k' },
    );
    expect(signed.issues).to.deep.equal([]);
    expect(signed.config!.connectors[0]!.webhook).to.include({ secret: 'k' });
    const insecure = validate(
      ['connectors:', '  orders-in:', '    connector: test-push', '    webhook: { insecure: true }', ''].join('\n'),
    );
    expect(insecure.issues).to.deep.equal([]);
    expect(insecure.config!.connectors[0]!.webhook).to.include({ insecure: true });
  });

  it('reports a missing secret variable once, at the reference, not again as a missing secret', () => {
    const result = validate(
      ['connectors:', '  orders-in:', '    connector: test-push', '    webhook: { secret: "${ORDERS_SECRET}" }', ''].join('\n'),
    );
    expect(result.issues.map((issue) => issue.code)).to.deep.equal(['ENV_MISSING']);
  });

  it('refuses a secret together with insecure: true, which would say two things', () => {
    const result = validate(
      ['connectors:', '  orders-in:', '    connector: test-push', '    webhook: { secret: s3cr3t-planted, insecure: true }', ''].join('\n'),
    );
    expect(result.issues.map((issue) => [issue.path, issue.code])).to.deep.equal([
      ['connectors.orders-in.webhook.insecure', 'VALUE_INVALID'],
    ]);
    expect(result.issues[0]!.message).not.to.contain('s3cr3t-planted');
  });

  it('asks nothing of a source that only polls', () => {
    const result = validate(
      [
        'connectors:',
        '  poller:',
        '    connector: test-poller',
        '    schedule: "*/5 * * * * *"',
        '    config: { url: "https://crm.example.com/api" }',
        '',
      ].join('\n'),
    );
    expect(result.issues).to.deep.equal([]);
  });
});
