import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import { apiRouter, type ApiAccessPolicy } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { metricsRoutes } from '../../../../src/interfaces/api/metrics-routes.js';
import { openApiDocument } from '../../../../src/interfaces/api/openapi-document.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { HubMetrics } from '../../../../src/platform/observability/metrics/hub-metrics.js';
import { parsePrometheusText, sampleValue } from '../../../support/prometheus-text.js';

describe('GET /metrics', () => {
  const token = 'viewer-token-for-metrics-test';
  const metrics = new HubMetrics({ processMetrics: false });
  metrics.component('connector', 'erp-main').recordsOut(3);
  const servers: http.Server[] = [];

  async function serve(openPaths: string[]): Promise<string> {
    const policy: ApiAccessPolicy = {
      tokens: new ApiTokens([{ name: 'prometheus', role: 'viewer', sha256: sha256Hex(token) }]),
      openPaths: new Set(openPaths),
    };
    const app = express();
    app.use(apiRouter(metricsRoutes(metrics), policy, createLogger({ level: 'error' })));
    const server = http.createServer(app).listen(0);
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  }

  after(() => {
    for (const server of servers) server.close();
  });

  it('answers the Prometheus text format to a viewer token, and refuses a request without one', async () => {
    const url = await serve([]);
    const refused = await axios.get(url, { validateStatus: () => true });
    expect(refused.status).to.equal(401);
    const answer = await axios.get<string>(url, { headers: { Authorization: `Bearer ${token}` }, responseType: 'text' });
    expect(answer.status).to.equal(200);
    expect(answer.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
    expect(
      sampleValue(parsePrometheusText(answer.data), 'crmhub_records_out_total', { component: 'connector', name: 'erp-main' }),
    ).to.equal(3);
  });

  it('needs no token when the admin settings list it among the open paths', async () => {
    const url = await serve(['/metrics']);
    const answer = await axios.get<string>(url, { responseType: 'text' });
    expect(answer.status).to.equal(200);
    expect(answer.data).to.contain('# TYPE crmhub_errors_total counter');
  });

  it('is documented as text, not JSON', () => {
    const document = openApiDocument(metricsRoutes(metrics), { tokens: new ApiTokens([]), openPaths: new Set(['/metrics']) }, 'test') as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    expect(Object.keys(document.paths['/metrics']!.get.responses['200']!.content ?? {})).to.deep.equal(['text/plain']);
  });
});
