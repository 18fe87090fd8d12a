import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { Hub } from '../../../src/hub/hub.js';
import { loadHubConnectors } from '../../../src/hub/hub-connectors.js';
import { hubSettingsFromEnv } from '../../../src/hub/hub-settings.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { seedClaimsEvents } from '../../../src/demo/claims-events.js';
import { startDemoLandscape, type DemoLandscape } from '../../../src/demo/demo-landscape.js';
import { sendWebhook } from '../../../src/demo/webhook-sender.js';
import { PROJECT_ROOT } from '../../support/cli-process.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

describe('the demo landscape signs its webhooks', function () {
  this.timeout(150_000);
  let landscape: DemoLandscape | undefined;
  let hub: Hub | undefined;
  let base: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-demo-webhooks-'));

  before(async () => {
    landscape = await startDemoLandscape();
    const flowsDir = path.join(dataDir, 'no-flows');
    fs.mkdirSync(flowsDir);
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
    // config/demo.crm-hub.yaml as `npm start` loads it, with the landscape's values, on the suite's broker.
    const configFile = path.join(PROJECT_ROOT, 'config', 'demo.crm-hub.yaml');
    const connectors = await loadHubConnectors(configFile, logger, { ...landscape.env });
    expect([...connectors.invalid.keys()]).to.deep.equal([]);
    const settings = hubSettingsFromEnv(
      {
        CRM_HUB_PORT: '0',
        CRM_HUB_DATA_DIR: dataDir,
        CRM_HUB_FLOWS_DIR: flowsDir,
        KAFKA_BROKERS: infrastructure().kafka.brokers.join(','),
        SCHEMA_REGISTRY_URL: infrastructure().registry.url,
      },
      PROJECT_ROOT,
    );
    hub = await Hub.start(settings, await SchemaCatalog.load(settings.schemasDir), connectors, logger);
    base = `http://127.0.0.1:${hub.httpPort}`;
  });

  after(async () => {
    await hub?.stop();
    await landscape?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('generates a webhook secret per start, and every push source of the demo config requires it', () => {
    const secret = landscape!.env.DEMO_WEBHOOK_SECRET;
    expect(secret).to.match(/^[0-9a-f]{64}$/);
    const pushSources = hub!
      .connectorRuntime!.statuses()
      .filter((status) => hub!.connectorRuntime!.webhookTarget(status.name) !== undefined)
      .map((status) => status.name);
    expect(pushSources).to.have.members(['crm', 'policy-admin', 'claims', 'scm-stock']);
  });

  it('accepts an event the claims simulator pushes (signed), refuses the same unsigned or with another key: 401', async () => {
    const event = { ...seedClaimsEvents()[0]!, msgId: uniqueName('CM-demo') };
    const signed = await landscape!.claims.push(`${base}/webhooks/claims`, event);
    expect(signed.status, JSON.stringify(signed.body)).to.equal(200);
    expect(signed.body).to.deep.include({ status: 'accepted' });

    for (const instance of ['crm', 'policy-admin', 'claims', 'scm-stock']) {
      const unsigned = await sendWebhook(`${base}/webhooks/${instance}`, { ...event, msgId: uniqueName('CM-unsigned') });
      expect([instance, unsigned.status, (unsigned.body as { error: { code: string } }).error.code]).to.deep.equal([
        instance,
        401,
        'SIGNATURE_MISSING',
      ]);
    }
    const forged = await sendWebhook(
      `${base}/webhooks/claims`,
      { ...event, msgId: uniqueName('CM-forged') },
      { secret: 'demo-token-not-secret' },
    );
    expect([forged.status, (forged.body as { error: { code: string } }).error.code]).to.deep.equal([401, 'SIGNATURE_MISMATCH']);
    // The landscape signs what it pushes for the systems without a simulator-side push, too.
    const viaLandscape = await landscape!.push(`${base}/webhooks/claims`, { ...event, msgId: uniqueName('CM-landscape') });
    expect(viaLandscape.status, JSON.stringify(viaLandscape.body)).to.equal(200);
  });
});
