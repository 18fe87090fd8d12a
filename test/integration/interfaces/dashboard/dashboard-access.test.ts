import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import type { ApiRoute } from '../../../../src/interfaces/api/api-route.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { dashboardRoutes } from '../../../../src/interfaces/dashboard/dashboard-routes.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { launchChromium, processesMentioning } from './chromium-browser.js';

const VIEWER_TOKEN = 'viewer-token-for-the-dashboard-test';
const FAILED_AT = '2026-03-01T08:00:00.000Z';

/** Routes with the paths and roles of the real API and canned answers: what is tested here is the page's handling of 401 and 403. */
function cannedApi(): ApiRoute[] {
  const get = (path: string, body: unknown): ApiRoute => ({
    method: 'get',
    path,
    operationId: path,
    summary: path,
    tag: 'test',
    access: 'viewer',
    responses: { 200: { description: 'canned' } },
    handle: (_request, res) => res.json(body),
  });
  return [
    get('/api/topology', {
      nodes: [
        { id: 'connector:crm', kind: 'source', name: 'crm' },
        { id: 'topic:crm.customer.v1', kind: 'topic', name: 'crm.customer.v1' },
      ],
      edges: [{ from: 'connector:crm', to: 'topic:crm.customer.v1' }],
    }),
    get('/api/status', {
      at: FAILED_AT,
      connectors: [
        {
          name: 'crm',
          connector: 'crm',
          kind: 'source',
          state: 'failed',
          counters: { recordsIn: 12, recordsOut: 10, failures: 3, deadLettered: 2 },
          rate: { inPerSecond: 0.5, outPerSecond: 0.5, overSeconds: 60 },
          lag: null,
          lastError: { code: 'HTTP_503', message: 'the CRM answered 503 after 5 attempts', at: FAILED_AT },
        },
      ],
      flows: [
        {
          name: 'complaints-per-dealer-daily',
          file: 'flows/complaints-per-dealer-daily.yaml',
          state: 'running',
          generation: 1,
          counters: { recordsIn: 0, recordsOut: 0, failures: 0, deadLettered: 0 },
          rate: null,
          lag: null,
          stepState: [
            {
              step: 'steps[1].aggregate',
              groupId: 'crm-hub.flow.complaints-per-dealer-daily.steps-1',
              changelog: 'crm-hub.changelog.flow.complaints-per-dealer-daily.steps-1',
              keys: 1204,
              timers: 1,
              bytes: 3_250_586,
              partitions: 3,
            },
          ],
        },
        { name: 'enrich', file: 'flows/enrich.yaml', state: 'running', generation: 1, rate: null, lag: null },
      ],
    }),
    get('/api/dead-letters/summary', {
      total: 1,
      byTopic: [{ topic: 'dlq.crm', count: 1, oldest: FAILED_AT, newest: FAILED_AT }],
      byCode: [{ code: 'HTTP_422', count: 1 }],
      bySource: [{ source: 'connector:crm', count: 1 }],
    }),
    get('/api/dead-letters', {
      items: [
        {
          id: 'dlq.crm:0:7',
          topic: 'dlq.crm',
          partition: 0,
          offset: '7',
          key: 'C1001',
          correlationId: 'corr-1',
          replayedFrom: null,
          valueBytes: 10,
          reason: {
            stage: 'connector:crm',
            flowStep: null,
            errorCode: 'HTTP_422',
            errorMessage: 'the CRM refused the record',
            retriable: false,
            attempts: 1,
            originalTopic: 'crm.customer.v1',
            originalPartition: 0,
            originalOffset: '3',
            failedAt: FAILED_AT,
          },
        },
      ],
      nextCursor: null,
      matched: 1,
    }),
    get('/api/dead-letters/replays', { replays: [] }),
    {
      method: 'post',
      path: '/api/dead-letters/replays',
      operationId: 'replay',
      summary: 'replay',
      tag: 'test',
      access: 'operator',
      responses: { 202: { description: 'never reached by a viewer' } },
      handle: (_request, res) => res.status(202).json({}),
    },
  ];
}

describe('dashboard in Chromium: the same auth as the API', function () {
  this.timeout(60_000);
  let server: http.Server;
  let base: string;
  let browser: Browser;
  let marker: string;
  let page: Page;

  before(async () => {
    const app = express();
    const tokens = new ApiTokens([{ name: 'viewer-one', role: 'viewer', sha256: sha256Hex(VIEWER_TOKEN) }]);
    app.use(apiRouter([...dashboardRoutes(), ...cannedApi()], { tokens, openPaths: new Set() }, createLogger({ level: 'error' })));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ browser, marker } = await launchChromium());
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (marker) expect(processesMentioning(marker), 'Chromium processes left behind').to.deep.equal([]);
  });

  it('asks for a token, asks again when the API refuses it, and keeps it for the tab only', async () => {
    await page.goto(`${base}/dashboard`);
    await page.locator('#token-dialog[open]').waitFor();
    await page.fill('#token-input', 'not-a-token-this-hub-knows');
    await page.click('#token-submit');
    // The API's 401 brings the prompt back, saying why.
    await page.locator('#token-error', { hasText: 'did not accept the token' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#token-dialog').getAttribute('open')).to.not.equal(null);
    expect(await page.evaluate(() => sessionStorage.length)).to.equal(0);

    await page.fill('#token-input', VIEWER_TOKEN);
    await page.click('#token-submit');
    await page.locator('#token-dialog').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.locator('g.node[data-id="connector:crm"][data-state="failed"]').waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => Object.values({ ...sessionStorage }))).to.deep.equal([VIEWER_TOKEN]);
    // A failed connector says so in words, with the error in words.
    const row = page.locator('#components tr[data-id="connector:crm"]');
    expect(await row.textContent())
      .to.contain('failed')
      .and.to.contain('the CRM answered 503 after 5 attempts (HTTP_503)');
    expect(await page.locator('#total-dead-lettered').getAttribute('data-value')).to.equal('2');
  });

  it("shows under a flow's name what each of its stateful steps holds, and nothing under a flow without any", async () => {
    const steps = page.locator('#components tr[data-id="flow:complaints-per-dealer-daily"] ul.step-state li');
    await steps.first().waitFor({ timeout: 10_000 });
    expect(await steps.allTextContents()).to.deep.equal(['steps[1].aggregate 1,204 keys · 1 timer · ≈ 3.1 MiB · 3 partitions']);
    expect(await steps.first().getAttribute('title')).to.contain('crm-hub.changelog.flow.complaints-per-dealer-daily.steps-1');
    expect(await page.locator('#components tr[data-id="flow:enrich"] ul.step-state').count()).to.equal(0);
  });

  it('says the role is too low when a viewer token tries a replay', async () => {
    await page.locator('#dlq-list tr[data-id="dlq.crm:0:7"]').waitFor({ timeout: 10_000 });
    await page.click('#dlq-list tr[data-id="dlq.crm:0:7"] button[data-action="replay"]');
    const message = page.locator('#replay-message.error');
    await message.waitFor({ timeout: 10_000 });
    expect(await message.textContent())
      .to.contain('needs an operator or admin token')
      .and.to.contain('token viewer-one has viewer');
    // Refused is not signed out: the token stays and the page keeps polling.
    expect(await page.locator('#token-dialog').getAttribute('open')).to.equal(null);
  });
});
