import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosResponse } from 'axios';
import { expect } from 'chai';
import express from 'express';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { openApiDocument } from '../../../../src/interfaces/api/openapi-document.js';
import { runtimeRoutes, type ConnectorControl, type FlowControl } from '../../../../src/interfaces/api/runtime-routes.js';
import type { ConfigIssue } from '../../../../src/platform/config/config-issue.js';
import { ConfigError, HubError } from '../../../../src/core/hub-error.js';
import type { FlowRestart, FlowStatus } from '../../../../src/flows/flow-runtime.js';
import type { ConsumerGroupLag, ConsumerGroupRef, ConsumerLagSource } from '../../../../src/platform/kafka/consumer-lag.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import type { InstanceStatusReport } from '../../../../src/connect/runtime/instance-status.js';

const tokens = { viewer: 'viewer-token', operator: 'operator-token' };
const policy = {
  tokens: new ApiTokens(
    Object.entries(tokens).map(([role, token]) => ({ name: `${role}-1`, role: role as 'viewer', sha256: sha256Hex(token) })),
  ),
  openPaths: new Set<string>(),
};
const as = (role: keyof typeof tokens) => ({ headers: { Authorization: `Bearer ${tokens[role]}` }, validateStatus: () => true });

const counters = (recordsIn: number, recordsOut = recordsIn) => ({ recordsIn, recordsOut, failures: 0, deadLettered: 0 });

/** The connector runtime as the routes see it: two healthy instances and one whose config was refused. */
class FakeConnectors implements ConnectorControl {
  readonly reports = new Map<string, InstanceStatusReport>([
    ['crm-in', { name: 'crm-in', connector: 'crm', kind: 'source', state: 'running', counters: counters(0) }],
    [
      'claims-out',
      {
        name: 'claims-out',
        connector: 'claims',
        kind: 'sink',
        state: 'running',
        counters: counters(0),
        lastError: {
          code: 'DELIVERY_REJECTED',
          message: 'rejected idNumber 110105194912310021 for 13812345678',
          at: '2026-03-01T07:59:00.000Z',
        },
      },
    ],
    [
      'erp-out',
      {
        name: 'erp-out',
        connector: 'erp',
        kind: 'sink',
        state: 'failed',
        counters: counters(0),
        lastError: { code: 'CONFIG_INVALID', message: 'connectors.erp-out.config.url: is required', at: '2026-03-01T07:00:00.000Z' },
      },
    ],
  ]);
  restarts = 0;

  statuses(): InstanceStatusReport[] {
    return [...this.reports.keys()].map((name) => this.status(name));
  }
  status(name: string): InstanceStatusReport {
    const report = this.reports.get(name);
    if (!report) throw new ConfigError('INSTANCE_UNKNOWN', `no connector instance named ${name}`);
    return structuredClone(report);
  }
  consumerGroup(name: string): ConsumerGroupRef | undefined {
    return name === 'claims-out'
      ? { groupId: 'crm-hub.sink.claims-out', topics: ['claims.claim.v1', 'crm-hub.connector-input.claims-out'] }
      : undefined;
  }
  pause(name: string): InstanceStatusReport {
    return this.become(name, 'paused');
  }
  resume(name: string): InstanceStatusReport {
    return this.become(name, 'running');
  }
  async restart(name: string): Promise<InstanceStatusReport> {
    this.status(name);
    if (name === 'erp-out')
      throw new ConfigError(
        'INSTANCE_NOT_RESTARTABLE',
        'connector instance erp-out cannot be restarted: its config is invalid (connectors.erp-out.config.url: is required)',
      );
    this.restarts++;
    return this.status(name);
  }
  private become(name: string, state: 'paused' | 'running'): InstanceStatusReport {
    const report = this.reports.get(name);
    if (report?.state === 'failed')
      throw new HubError(
        'INSTANCE_NOT_RUNNING',
        `connector instance ${name} cannot be ${state}: it failed: ${report.lastError?.message}; restart it instead`,
      );
    this.status(name);
    report!.state = state;
    return this.status(name);
  }
}

class FakeFlows implements FlowControl {
  readonly flows = new Map<string, FlowStatus>([
    [
      'enrich',
      {
        name: 'enrich',
        file: 'flows/enrich.yaml',
        state: 'running',
        generation: 1,
        counters: counters(0),
        consumer: { groupId: 'crm-hub.flow.enrich', topics: ['crm.customer.v1'] },
      },
    ],
    [
      'flows/broken.yaml',
      {
        name: 'flows/broken.yaml',
        file: 'flows/broken.yaml',
        state: 'failed',
        generation: 0,
        issues: ['flows/broken.yaml:3:5 steps[0].filter: unknown function $segmnt'],
      },
    ],
  ]);
  nextIssues: ConfigIssue[] = [];

  statuses(): FlowStatus[] {
    return [...this.flows.keys()].map((name) => this.status(name));
  }
  status(name: string): FlowStatus {
    const status = this.flows.get(name);
    if (!status) throw new ConfigError('FLOW_UNKNOWN', `no flow named ${name}`);
    return structuredClone(status);
  }
  pause(name: string): FlowStatus {
    return this.become(name, 'paused');
  }
  resume(name: string): FlowStatus {
    return this.become(name, 'running');
  }
  async restart(name: string): Promise<FlowRestart> {
    const status = this.flows.get(name);
    if (!status) throw new ConfigError('FLOW_UNKNOWN', `no flow named ${name}`);
    if (this.nextIssues.length === 0) {
      status.generation++;
      status.counters = counters(0);
    }
    return { status: this.status(name), issues: this.nextIssues };
  }
  private become(name: string, state: 'paused' | 'running'): FlowStatus {
    const status = this.flows.get(name);
    if (!status) throw new ConfigError('FLOW_UNKNOWN', `no flow named ${name}`);
    if (status.state === 'failed') throw new HubError('FLOW_NOT_RUNNING', `flow ${name} cannot be ${state}: it failed`);
    status.state = state;
    return this.status(name);
  }
}

class FakeLag implements ConsumerLagSource {
  readonly asked: string[] = [];
  failWith: Error | undefined;

  async lag(group: ConsumerGroupRef): Promise<ConsumerGroupLag> {
    this.asked.push(group.groupId);
    if (this.failWith) throw this.failWith;
    const total = group.topics.length * 10;
    return {
      groupId: group.groupId,
      total,
      at: '2026-03-01T08:00:00.000Z',
      topics: group.topics.map((topic) => ({ topic, lag: 10, partitions: [{ partition: 0, committed: '5', end: '15', lag: 10 }] })),
    };
  }
}

describe('runtime routes', () => {
  let connectors: FakeConnectors;
  let flows: FakeFlows;
  let lag: FakeLag;
  let now: number;
  let server: http.Server;
  let base: string;
  const get = (path: string, role: keyof typeof tokens = 'viewer') => axios.get(`${base}${path}`, as(role));
  const post = (path: string, role: keyof typeof tokens = 'operator') => axios.post(`${base}${path}`, undefined, as(role));

  beforeEach(async () => {
    connectors = new FakeConnectors();
    flows = new FakeFlows();
    lag = new FakeLag();
    now = Date.parse('2026-03-01T08:00:00.000Z');
    const app = express();
    app.use(apiRouter(runtimeRoutes({ connectors, flows, lag, now: () => now }), policy, createLogger({ level: 'error' })));
    server = http.createServer(app).listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('needs a token to read and the operator role to act', async () => {
    expect((await axios.get(`${base}/api/status`, { validateStatus: () => true })).status).to.equal(401);
    expect((await get('/api/status')).status).to.equal(200);
    const refused = await post('/api/connectors/crm-in/pause', 'viewer');
    expect(refused.status).to.equal(403);
    expect(connectors.status('crm-in').state, 'nothing was paused').to.equal('running');
  });

  it('documents every route, and every action needs operator or better', () => {
    const routes = runtimeRoutes({ connectors, flows, lag });
    const paths = routes.map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(paths).to.include.members([
      'GET /api/status',
      'GET /api/connectors',
      'GET /api/connectors/{name}',
      'POST /api/connectors/{name}/pause',
      'POST /api/connectors/{name}/resume',
      'POST /api/connectors/{name}/restart',
      'GET /api/flows',
      'GET /api/flows/{name}',
      'POST /api/flows/{name}/pause',
      'POST /api/flows/{name}/resume',
      'POST /api/flows/{name}/restart',
    ]);
    for (const route of routes) expect(route.access, route.path).to.equal(route.method === 'get' ? 'viewer' : 'operator');
    const document = openApiDocument(routes, policy, 'test') as { paths: Record<string, Record<string, { operationId: string }>> };
    expect(document.paths['/api/flows/{name}/restart']!.post!.operationId).to.equal('restartFlow');
    expect(new Set(routes.map((route) => route.operationId)).size).to.equal(routes.length);
  });

  it('lists connector instances with consumer lag for sinks only and personal data masked in the last error', async () => {
    const response = await get('/api/connectors');
    expect(response.status).to.equal(200);
    const [source, sink, invalid] = response.data.connectors;
    expect(source).to.include({ name: 'crm-in', kind: 'source', state: 'running', lag: null, rate: null });
    expect(sink.lag).to.include({ groupId: 'crm-hub.sink.claims-out', total: 20 });
    expect(sink.lastError.message).to.equal('rejected idNumber 110105********0021 for 138****5678');
    expect(sink.lastError.message).not.to.contain('19491231');
    expect(invalid).to.include({ name: 'erp-out', state: 'failed' });
    expect(lag.asked).to.deep.equal(['crm-hub.sink.claims-out']);
  });

  it('answers 404 CONNECTOR_UNKNOWN for an instance it does not host, on reads and actions alike', async () => {
    for (const response of [
      await get('/api/connectors/nope'),
      await post('/api/connectors/nope/pause'),
      await post('/api/connectors/nope/restart'),
    ]) {
      expect(response.status).to.equal(404);
      expect(response.data.error.code).to.equal('CONNECTOR_UNKNOWN');
      expect(response.data.error.message).to.contain('nope');
    }
  });

  it('pauses, resumes and restarts an instance, answering with its new status', async () => {
    const paused = await post('/api/connectors/claims-out/pause');
    expect(paused.status).to.equal(200);
    expect(paused.data).to.include({ name: 'claims-out', state: 'paused' });
    expect(paused.data.lag.total, 'the answer is a full status').to.equal(20);
    expect((await get('/api/connectors/claims-out')).data.state).to.equal('paused');
    expect((await post('/api/connectors/claims-out/resume')).data.state).to.equal('running');
    const restarted = await post('/api/connectors/claims-out/restart');
    expect(restarted.status).to.equal(200);
    expect(restarted.data.state).to.equal('running');
    expect(connectors.restarts).to.equal(1);
  });

  it('refuses with 409 and the reason to restart an instance whose config failed validation, or to pause one that failed', async () => {
    const restart = await post('/api/connectors/erp-out/restart');
    expect(restart.status).to.equal(409);
    expect(restart.data.error).to.include({ code: 'INSTANCE_NOT_RESTARTABLE' });
    expect(restart.data.error.message).to.contain('config.url: is required');
    const pause = await post('/api/connectors/erp-out/pause');
    expect(pause.status).to.equal(409);
    expect(pause.data.error.code).to.equal('INSTANCE_NOT_RUNNING');
  });

  it('reports records per second over the last minute from the counters it sees on each look', async () => {
    expect((await get('/api/connectors/claims-out')).data.rate, 'nothing to compare with yet').to.equal(null);
    connectors.reports.get('claims-out')!.counters = counters(300, 150);
    now += 30_000;
    expect((await get('/api/connectors/claims-out')).data.rate).to.deep.equal({ inPerSecond: 10, outPerSecond: 5, overSeconds: 30 });
    flows.flows.get('enrich')!.counters = counters(0);
    await get('/api/flows/enrich');
    flows.flows.get('enrich')!.counters = counters(120, 60);
    now += 60_000;
    expect((await get('/api/flows/enrich')).data.rate).to.deep.equal({ inPerSecond: 2, outPerSecond: 1, overSeconds: 60 });
  });

  it('still answers when lag cannot be read, saying why it is missing', async () => {
    lag.failWith = new HubError('CONSUMER_LAG_UNAVAILABLE', 'consumer lag of group crm-hub.sink.claims-out: connection refused', {
      retriable: true,
    });
    const response = await get('/api/connectors/claims-out');
    expect(response.status).to.equal(200);
    expect(response.data.lag).to.equal(null);
    expect(response.data.lagError).to.deep.equal({
      code: 'CONSUMER_LAG_UNAVAILABLE',
      message: 'consumer lag of group crm-hub.sink.claims-out: connection refused',
    });
    expect((await get('/api/connectors/crm-in')).data, 'a source has no lag to miss').not.to.have.property('lagError');
  });

  it('lists flows with state, generation, lag of their group and the issues of one that failed', async () => {
    const response = await get('/api/flows');
    expect(response.status).to.equal(200);
    const [enrich, broken] = response.data.flows;
    expect(enrich).to.include({ name: 'enrich', state: 'running', generation: 1 });
    expect(enrich.lag).to.include({ groupId: 'crm-hub.flow.enrich', total: 10 });
    expect(broken).to.include({ state: 'failed', lag: null });
    expect(broken.issues[0]).to.contain('unknown function $segmnt');
    const byPath = await get(`/api/flows/${encodeURIComponent('flows/broken.yaml')}`);
    expect(byPath.data.name, 'a flow that never compiled is known by its file').to.equal('flows/broken.yaml');
    expect((await get('/api/flows/nope')).data.error.code).to.equal('FLOW_UNKNOWN');
  });

  it('answers the state a stateful flow holds per step, as the OpenAPI document describes it, to a viewer', async () => {
    const stepState = [
      {
        step: 'steps[1].aggregate',
        groupId: 'crm-hub.flow.complaints.steps-1',
        input: 'crm-hub.repartition.complaints.steps-1',
        changelog: 'crm-hub.changelog.flow.complaints.steps-1',
        keys: 40,
        timers: 38,
        bytes: 52_310,
        partitions: 3,
      },
    ];
    flows.flows.set('complaints', {
      name: 'complaints',
      file: 'flows/complaints.yaml',
      state: 'running',
      generation: 1,
      counters: counters(0),
      consumer: { groupId: 'crm-hub.flow.complaints', topics: ['crm.service-request.v1'] },
      stepState,
    });
    const one = await get('/api/flows/complaints');
    expect(one.status).to.equal(200);
    expect(one.data.stepState).to.deep.equal(stepState);
    const listed = (await get('/api/flows')).data.flows as { name: string; stepState?: unknown }[];
    expect(listed.find((flow) => flow.name === 'complaints')?.stepState).to.deep.equal(stepState);
    expect(
      listed.find((flow) => flow.name === 'enrich'),
      'a flow without stateful steps has none',
    ).not.to.have.property('stepState');
    expect((await get('/api/status')).data.flows.find((flow: { name: string }) => flow.name === 'complaints').stepState).to.deep.equal(
      stepState,
    );

    type Schema = { properties: Record<string, { description?: string; items?: Schema }> };
    const document = openApiDocument(runtimeRoutes({ connectors, flows, lag }), policy, 'test') as {
      paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>>;
    };
    for (const path of ['/api/flows/{name}', '/api/flows/{name}/pause']) {
      const operation = document.paths[path]!.get ?? document.paths[path]!.post!;
      const documented = operation.responses['200']!.content['application/json']!.schema.properties.stepState!;
      expect(documented.description, path).to.contain('stateful steps');
      expect(Object.keys(documented.items!.properties), path).to.have.members(Object.keys(stepState[0]!));
    }
  });

  it('pauses and resumes a flow, and refuses to pause one that is not running', async () => {
    expect((await post('/api/flows/enrich/pause')).data.state).to.equal('paused');
    expect((await post('/api/flows/enrich/resume')).data.state).to.equal('running');
    const refused = await post(`/api/flows/${encodeURIComponent('flows/broken.yaml')}/pause`);
    expect(refused.status).to.equal(409);
    expect(refused.data.error.code).to.equal('FLOW_NOT_RUNNING');
    expect((await post('/api/flows/nope/resume')).status).to.equal(404);
  });

  it('restarts a flow as a new generation, and answers 422 with the issues when its file is invalid now', async () => {
    const restarted = await post('/api/flows/enrich/restart');
    expect(restarted.status).to.equal(200);
    expect(restarted.data).to.include({ name: 'enrich', generation: 2, state: 'running' });
    const issue: ConfigIssue = {
      file: 'flows/enrich.yaml',
      line: 4,
      column: 7,
      path: 'steps[0].filter',
      code: 'VALUE_INVALID',
      message: 'unknown function $segmnt',
    };
    flows.nextIssues = [issue];
    const refused = await post('/api/flows/enrich/restart');
    expect(refused.status).to.equal(422);
    expect(refused.data.error.code).to.equal('FLOW_INVALID');
    expect(refused.data.error.message).to.contain('the last good version (generation 2) runs on');
    expect(refused.data.error.issues).to.deep.equal([issue]);
  });

  it('gives one overview with totals per kind, counting the lag of every consuming group', async () => {
    connectors.reports.get('claims-out')!.counters = { recordsIn: 40, recordsOut: 30, failures: 2, deadLettered: 1 };
    flows.flows.get('enrich')!.state = 'paused';
    const response: AxiosResponse = await get('/api/status');
    expect(response.status).to.equal(200);
    expect(response.data.at).to.equal('2026-03-01T08:00:00.000Z');
    expect(response.data.connectors.map((c: { name: string }) => c.name)).to.deep.equal(['crm-in', 'claims-out', 'erp-out']);
    expect(response.data.flows).to.have.length(2);
    expect(response.data.totals.connectors).to.deep.equal({
      count: 3,
      byState: { running: 2, failed: 1 },
      counters: { recordsIn: 40, recordsOut: 30, failures: 2, deadLettered: 1 },
      rate: { inPerSecond: 0, outPerSecond: 0 },
      lag: 20,
    });
    expect(response.data.totals.flows).to.include({ count: 2, lag: 10 });
    expect(response.data.totals.flows.byState).to.deep.equal({ paused: 1, failed: 1 });
    expect([...new Set(lag.asked)].sort()).to.deep.equal(['crm-hub.flow.enrich', 'crm-hub.sink.claims-out']);
  });
});
