import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadHubConnectors } from '../../../../src/hub/hub-connectors.js';
import { projectRoot } from '../../../../src/platform/infra/project-root.js';
import { capturedLogger } from './log-capture.js';

describe('config secrets never reach the logs', () => {
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-log-secrets-'));
  });

  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('loads the demo config with planted secrets through the real loader and logs none of them', async () => {
    // Unique values: the secret registry is the process's, shared with every other test.
    const token = `planted-${randomUUID()}`;
    const databasePassword = `dbpw${randomUUID().slice(0, 8)}`;
    const connectionString = `postgresql://dw:${databasePassword}@db.example.cn:5432/dw`;
    const demo = await fs.readFile(path.join(projectRoot(), 'config', 'demo.crm-hub.yaml'), 'utf8');
    const file = path.join(dir, 'crm-hub.yaml');
    await fs.writeFile(
      file,
      `${demo}
  warehouse:
    connector: postgres-sink
    topics: [crm.customer.v1]
    config: { connectionString: "${connectionString}" }
  crm-broken:
    connector: crm
    config: { baseUlr: "\${DEMO_CRM_URL}", bearerToken: "\${DEMO_TOKEN}" }
`,
    );
    const env: NodeJS.ProcessEnv = { DEMO_TOKEN: token, DEMO_ERP_COMPANY: '3100', DEMO_WEBHOOK_SECRET: `whsec-${randomUUID()}` };
    for (const name of ['DEMO_CRM_URL', 'DEMO_POLICY_FEED_URL', 'DEMO_CLAIMS_FEED_URL', 'DEMO_SCM_URL', 'DEMO_DESK_URL', 'DEMO_ERP_URL'])
      env[name] = 'http://127.0.0.1:9';
    const { logger, text, lines } = capturedLogger({ level: 'debug' });

    const connectors = await loadHubConnectors(file, logger, env);

    // The secrets really are in what was loaded, so their absence below is the logger's doing.
    expect(connectors.invalid.has('crm-broken')).to.equal(true);
    expect(connectors.config.connectors.map((instance) => instance.name))
      .to.include('crm')
      .and.include('warehouse');
    const loaded = JSON.stringify(connectors.config);
    expect(loaded).to.contain(token).and.contain(connectionString);
    // What the hub and the libraries under it log: the config, errors quoting the secret, a driver's connection string.
    logger.info('hub config loaded', { config: connectors.config });
    logger.error(`crm: poll failed: request with Authorization: Bearer ${token} refused`);
    logger.error('erp: request failed', new Error(`401 Unauthorized (token ${token})`));
    logger.warn(`postgres-sink warehouse: password authentication failed for "${databasePassword}" (${connectionString})`);
    logger.warn('postgres-sink warehouse: pool error', { pool: { options: { connectionString } } });

    const written = await text();
    expect(written).to.contain('connector instance crm-broken not started');
    expect(written).not.to.contain(token);
    expect(written).not.to.contain(databasePassword);
    expect(written).not.to.contain(connectionString);
    const all = await lines();
    expect(all.length).to.be.greaterThan(5);
    const configLine = all.find((line) => line.message === 'hub config loaded')!;
    const crm = (configLine.config as { connectors: { name: string; config: Record<string, unknown> }[] }).connectors.find(
      (instance) => instance.name === 'crm',
    )!;
    // baseUrl came from ${DEMO_CRM_URL}: every ${ENV} value is taken for a secret, whatever its field.
    expect(crm.config).to.deep.include({ baseUrl: '[redacted]', bearerToken: '[redacted]', sourceSystem: 'crm' });
    const warehouse = (configLine.config as { connectors: { name: string; config: Record<string, unknown> }[] }).connectors.find(
      (instance) => instance.name === 'warehouse',
    )!;
    expect(warehouse.config.connectionString).to.equal('[redacted]');
  });
});
