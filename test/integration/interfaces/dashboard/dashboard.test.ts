import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { REPLAY_HEADER } from '../../../../src/operations/dead-letters/replay-headers.js';
import { freePort } from '../../../../src/platform/infra/free-port.js';
import type { HubProducer } from '../../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { seededCrmCustomers } from '../../../../src/demo/crm-simulator.js';
import { startDemoLandscape, type DemoLandscape } from '../../../../src/demo/demo-landscape.js';
import { cleanEnv, PROJECT_ROOT, startCli, type CliRun } from '../../../support/cli-process.js';
import { readUntil } from '../../../support/runtime-harness.js';
import { infrastructure } from '../../infrastructure.js';
import { launchChromium, processesMentioning, type LaunchedBrowser } from './chromium-browser.js';
import { glyphRendering } from './glyph-rendering.js';

const ARTIFACT = path.join(PROJECT_ROOT, 'test', 'artifacts', 'dashboard.png');

/** The demo landscape's connector instances (config/demo.crm-hub.yaml), the shipped flows and the customer view's resolver. */
const DEMO_NODES = [
  ...['crm', 'policy-admin', 'claims', 'scm-stock', 'service-desk', 'erp', 'crm-flags', 'desk-context', 'crm-golden'].map(
    (name) => `connector:${name}`,
  ),
  ...[
    'crm-customer-to-erp',
    'crm-customer-to-dw',
    'claims-loss-ratio-flag',
    'low-stock-alert',
    'service-request-to-timeline',
    'complaints-per-dealer-daily',
    'parts-wait',
    'claim-assessment-overdue',
  ].map((name) => `flow:${name}`),
  'processor:identity-resolution',
];

/** Processes (the hub and anything it started) that still carry `name=value` in their environment. */
function processesWithEnvironment(name: string, value: string): string[] {
  const wanted = `${name}=${value}`;
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(wanted);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<{ status: number; data: Record<string, unknown> }> {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; data: Record<string, unknown> } = { status: 0, data: {} };
  while (Date.now() < deadline) {
    try {
      const response = await axios.get(url, { timeout: 2000, validateStatus: () => true });
      last = { status: response.status, data: response.data as Record<string, unknown> };
      if (response.status === 200) return last;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}

/** Does `action` (a click that reloads a list, say) until `locator`'s target shows, as a person would press again. */
async function repeatUntilVisible(
  page: Page,
  selector: string,
  action: () => Promise<void>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await action();
    if (
      await page
        .locator(selector)
        .first()
        .waitFor({ timeout: 2500 })
        .then(
          () => true,
          () => false,
        )
    )
      return;
  }
  throw new Error(`timed out waiting for ${what} (${selector})`);
}

describe('dashboard in Chromium on a running hub', function () {
  this.timeout(480_000);

  it('draws the demo landscape with live numbers, replays a dead letter from the page, finds a customer, and leaves no process behind', async () => {
    const started = Date.now();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-dashboard-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let hub: CliRun | undefined;
    let landscape: DemoLandscape | undefined;
    let launched: LaunchedBrowser | undefined;
    let client: KafkajsClient | undefined;
    let producer: HubProducer | undefined;
    const pageErrors: string[] = [];
    try {
      // The hub from the CLI with the demo landscape's config, on the suite's broker and registry (the
      // simulators run in this process instead of the hub's, which is what the hub does with no
      // broker given). The browser starts meanwhile.
      landscape = await startDemoLandscape();
      const { kafka, registry } = infrastructure();
      hub = startCli(
        ['run'],
        cleanEnv({
          ...landscape.env,
          KAFKA_BROKERS: kafka.brokers.join(','),
          SCHEMA_REGISTRY_URL: registry.url,
          CRM_HUB_CONFIG: path.join(PROJECT_ROOT, 'config', 'demo.crm-hub.yaml'),
          CRM_HUB_PORT: String(port),
          CRM_HUB_DATA_DIR: dataDir,
        }),
      );
      const [health, browser] = await Promise.all([waitForHealth(`${base}/health`, 60_000), launchChromium()]);
      launched = browser;
      expect(health.status, `no healthy hub; stderr:\n${hub.stderr().slice(-3000)}`).to.equal(200);
      const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();

      const page = await launched.browser.newPage({ viewport: { width: 1720, height: 1100 } });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${base}/dashboard`);
      await page.locator('#token-dialog[open]').waitFor();
      await page.fill('#token-input', token);
      await page.click('#token-submit');
      await page.locator('#token-dialog').waitFor({ state: 'hidden', timeout: 10_000 });

      // The graph: every demo connector, flow and the resolver, from GET /api/topology, coloured by GET /api/status.
      for (const id of DEMO_NODES) await page.locator(`g.node[data-id="${id}"]`).waitFor({ timeout: 20_000 });
      await page.locator('g.node[data-id="connector:crm"][data-state="running"]').waitFor({ timeout: 20_000 });
      await page.locator('g.node[data-id="flow:crm-customer-to-erp"][data-state="running"]').waitFor({ timeout: 20_000 });
      // A rate needs two looks at the counters: it shows from the second poll on, with its unit.
      await page.locator('#components tr[data-id="connector:crm"]', { hasText: 'rec/s' }).waitFor({ timeout: 10_000 });

      // A CRM customer the flow to the ERP refuses (the ERP prints e-mail addresses on invoices): a dead letter.
      client = new KafkajsClient({ brokers: kafka.brokers });
      producer = await client.producer();
      const catalog = await SchemaCatalog.load(path.join(PROJECT_ROOT, 'schemas'));
      const serde = new AvroSerde(new SchemaRegistryClient(registry.url));
      const customerId = `CDASH${randomUUID().slice(0, 8).toUpperCase()}`;
      const correlationId = `corr-dashboard-${randomUUID()}`;
      const sample = sampleCustomer();
      const bad = {
        ...sample,
        meta: { ...(sample.meta as object), eventId: randomUUID(), correlationId, occurredAt: new Date().toISOString() },
        customerId,
        email: 'not-an-email',
      };

      // Live numbers: what the page shows for the flow changes between two polls as records go through.
      const flowNode = 'g.node[data-id="flow:crm-customer-to-erp"]';
      const recordsBefore = Number(await page.getAttribute(flowNode, 'data-records'));
      const totalBefore = Number(await page.getAttribute('#total-records', 'data-value'));
      const bytes = await serde.encode(
        valueSubject('crm.customer.v1'),
        catalog.registrySchema(catalog.topicInfo('crm.customer.v1').record),
        bad,
      );
      await producer.send('crm.customer.v1', [{ key: customerId, value: bytes, headers: { 'correlation-id': correlationId } }]);
      await page.waitForFunction(
        ([selector, before]) => Number(document.querySelector(selector as string)?.getAttribute('data-records')) > (before as number),
        [flowNode, recordsBefore] as const,
        { timeout: 20_000 },
      );
      expect(Number(await page.getAttribute('#total-records', 'data-value'))).to.be.above(totalBefore);
      expect(await page.locator(flowNode).textContent())
        .to.match(/rec\/s/)
        .and.to.match(/[\d,]+ in · [\d,]+ out/);

      // The dead-letter browser finds it by the flow's name; its detail gives the reason and masks the name.
      await page.fill('#dlq-source', 'crm-customer-to-erp');
      const row = `#dlq-list tbody tr:has-text("${customerId}")`;
      await repeatUntilVisible(
        page,
        row,
        () => page.click('#dlq-filter button[type="submit"]'),
        30_000,
        `the dead letter of ${customerId} in the list`,
      );
      const deadLetterId = (await page.getAttribute(row, 'data-id'))!;
      expect(deadLetterId).to.match(/^dlq\.flow\.crm-customer-to-erp:\d+:\d+$/);
      expect(await page.locator(row).textContent()).to.contain('FLOW_VALIDATION_FAILED');
      await page.click(`${row} button[data-action="show"]`);
      await page.locator('#dlq-detail pre').waitFor({ timeout: 10_000 });
      const detail = (await page.locator('#dlq-detail').textContent())!;
      expect(detail).to.contain(deadLetterId).and.to.contain('email').and.to.contain(correlationId).and.to.contain(customerId);
      expect(detail, 'personal fields masked').not.to.contain(String(sample.fullName)).and.not.to.contain(String(sample.idNumber));

      // Replay it from the page, to its original topic, and watch the job finish: the e-mail is still bad, so it failed again.
      await page.click(`${row} button[data-action="replay"]`);
      await page.locator('#replay-message.ok').waitFor({ timeout: 10_000 });
      const job = `#replay-jobs tbody tr[data-state="failed"]:has-text("${deadLetterId}")`;
      // It ends once every consumer group of crm.customer.v1 has committed past the replayed record, or after the
      // office's 120 s settle bound when a group of an earlier test on this broker is still listed and commits nothing.
      await page.locator(job).waitFor({ timeout: 150_000 });
      expect(await page.locator(job).textContent())
        .to.contain('1 / 1')
        .and.to.contain('1 failed again')
        .and.to.contain('bootstrap-admin');

      // It was replayed: the original bytes are back on crm.customer.v1 with key and correlation id, marked as replayed from that dead letter.
      const replays = (await axios.get(`${base}/api/dead-letters/replays`, { headers: { Authorization: `Bearer ${token}` } })).data as {
        replays: { ids: string[] | null; state: string; counts: { total: number; done: number; failed: number; failedAgain: number } }[];
      };
      expect(replays.replays.find((replay) => replay.ids?.includes(deadLetterId))).to.deep.include({
        state: 'failed',
        counts: { total: 1, done: 1, failed: 0, failedAgain: 1 },
      });
      const [replayed] = (
        await readUntil(
          client,
          'crm.customer.v1',
          (records) => records.some((record) => record.headers[REPLAY_HEADER.replayedFrom] === deadLetterId),
          20_000,
        )
      ).filter((record) => record.headers[REPLAY_HEADER.replayedFrom] === deadLetterId);
      expect(replayed!.key?.toString()).to.equal(customerId);
      expect(replayed!.headers['correlation-id']).to.equal(correlationId);
      expect(Buffer.compare(replayed!.value!, bytes)).to.equal(0);

      // The replayed record failed again (the e-mail is still bad): the same dead letter, listed once, a second attempt.
      const again = `#dlq-list tbody tr:has-text("${customerId}"):has-text("failed again after a replay: 2 attempts")`;
      await repeatUntilVisible(
        page,
        again,
        () => page.click('#dlq-filter button[type="submit"]'),
        20_000,
        'the dead letter of the replayed record',
      );

      // Replay the filtered set: this run's dead letters of the flow, after a confirmation.
      const since = new Date(started).toISOString();
      await page.fill('#dlq-since', since);
      await page.click('#dlq-filter button[type="submit"]');
      // The count of this filter, not the one still shown from the list before (which the broker's older dead letters may swell).
      await page.locator('#dlq-count', { hasText: `match source crm-customer-to-erp, since ${since}` }).waitFor({ timeout: 10_000 });
      const matched = Number((await page.locator('#dlq-count').textContent())!.match(/^(\d+) dead letters? match/)![1]);
      expect(matched).to.be.at.least(1);
      await page.click('#dlq-replay-filtered');
      expect(await page.locator('#dlq-replay-question').textContent()).to.equal(
        // The question names the filter whose count it shows: that filter, and no other, is replayed.
        `Replay ${matched} dead letter${matched === 1 ? '' : 's'} matching source crm-customer-to-erp, since ${since} to their original topics?`,
      );
      await page.click('#dlq-replay-yes');
      // This run's job: the replay journal on a broker that served earlier runs lists their filtered replays too.
      const filteredJob = `#replay-jobs tbody tr[data-state="failed"]:has-text("source crm-customer-to-erp, since ${since}")`;
      // The job waits for the flow to settle before it counts re-failures; the live demo may have added dead letters since the count.
      await page.locator(filteredJob).waitFor({ timeout: 150_000 });
      const [, done, total] = (await page.locator(filteredJob).textContent())!.match(/(\d+) \/ (\d+)/)!;
      expect(Number(done)).to.equal(Number(total));
      expect(Number(total)).to.be.at.least(matched);

      // Search a customer of the demo CRM by number: the golden record, and where that key's records went.
      const crmNumber = String(seededCrmCustomers(1)[0]!.custNo);
      await page.fill('#search-input', crmNumber);
      await repeatUntilVisible(
        page,
        '#customer-results .card.customer',
        () => page.click('#search-form button[type="submit"]'),
        40_000,
        `customer ${crmNumber} in the single customer view`,
      );
      const card = (await page.locator('#customer-results .card.customer').first().textContent())!;
      expect(card).to.contain(crmNumber).and.to.contain('Golden id').and.to.contain('crm');
      // The customer's Chinese name is drawn with CJK glyphs, not as boxes (.ci/run installs fonts-noto-cjk).
      const name = await glyphRendering(page, '#customer-results .card.customer h3');
      expect(name.text).to.match(/^[\u4e00-\u9fff]{2,4}$/);
      expect(name.elementWidth, JSON.stringify(name)).to.be.above(0);
      expect(name.textWidth, JSON.stringify(name)).to.be.above(0).and.not.to.be.closeTo(name.missingWidth, 0.5);
      expect(name.unlikeMissing, `${name.text} drawn as missing-glyph boxes: no CJK font`).to.deep.equal([...name.text].map(() => true));
      expect(name.distinctPictures, `${name.text}: distinct characters drawn alike`).to.equal(name.distinctCharacters);
      await page.locator('#trace-results li[data-topic="crm.customer.v1"]').first().waitFor({ timeout: 30_000 });

      fs.mkdirSync(path.dirname(ARTIFACT), { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
      expect(fs.statSync(ARTIFACT).size).to.be.above(10_000);
      expect(pageErrors, 'errors in the page').to.deep.equal([]);
      process.stderr.write(
        `      dashboard checked in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshot ${path.relative(PROJECT_ROOT, ARTIFACT)}\n`,
      );

      await launched.browser.close();
      await producer.disconnect();
      producer = undefined;
      expect(processesWithEnvironment('CRM_HUB_DATA_DIR', dataDir), 'the hub runs').not.to.deep.equal([]);
      hub.child.kill('SIGINT');
      const exit = await hub.exited;
      expect(exit.code, hub.stderr().slice(-3000)).to.equal(0);
      expect(processesWithEnvironment('CRM_HUB_DATA_DIR', dataDir), 'hub processes left behind after SIGINT').to.deep.equal([]);
      expect(processesMentioning(launched.marker), 'browser processes left behind').to.deep.equal([]);
      expect(
        await axios.get(`${base}/health`, { timeout: 2000 }).then(
          () => 'answering',
          (error: { code?: string }) => error.code,
        ),
      ).to.equal('ECONNREFUSED');
    } finally {
      await producer?.disconnect().catch(() => undefined);
      await launched?.browser.close().catch(() => undefined);
      hub?.child.kill('SIGKILL');
      await landscape?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
