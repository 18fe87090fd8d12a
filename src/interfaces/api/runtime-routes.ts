import type { Response } from 'express';
import { HubError } from '../../core/hub-error.js';
import { maskPersonalPatterns } from '../../platform/observability/pii-masking.js';
import { apiError, errorResponse, type ApiRoute, type JsonSchema } from './api-route.js';
import { RuntimeOverview, type RuntimeOverviewDeps } from './runtime-overview.js';

export type { ConnectorControl, FlowControl } from './runtime-overview.js';
export type RuntimeRoutesDeps = RuntimeOverviewDeps;

const integer = { type: 'integer', minimum: 0 } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const errorInfo: JsonSchema = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, at: timestamp } };
const counters: JsonSchema = {
  type: 'object',
  properties: { recordsIn: integer, recordsOut: integer, failures: integer, deadLettered: integer },
};
const rate: JsonSchema = {
  type: ['object', 'null'],
  description: 'Records per second over the last minute; null until two looks at least a second apart',
  properties: { inPerSecond: { type: 'number' }, outPerSecond: { type: 'number' }, overSeconds: { type: 'number' } },
};
const lag: JsonSchema = {
  type: ['object', 'null'],
  description:
    'Records the consumer group has not consumed yet, read from the broker at most every 5 s; null for sources, and with lagError when it could not be read',
  properties: {
    groupId: { type: 'string' },
    total: integer,
    at: timestamp,
    topics: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          topic: { type: 'string' },
          lag: integer,
          partitions: {
            type: 'array',
            items: {
              type: 'object',
              properties: { partition: integer, committed: { type: ['string', 'null'] }, end: { type: 'string' }, lag: integer },
            },
          },
        },
      },
    },
  },
};
const measured = { rate, lag, lagError: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } };

const CONNECTOR: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    connector: { type: 'string' },
    kind: { type: 'string', enum: ['source', 'sink'] },
    state: { type: 'string', enum: ['starting', 'running', 'paused', 'failed', 'stopped'] },
    counters,
    lastError: errorInfo,
    ...measured,
    config: {
      type: 'object',
      description:
        "The instance's settings as loaded (defaults applied): every secret field, every value from ${ENV} and the credentials of URLs shown as [redacted]; absent for an instance whose config was refused",
    },
  },
};
const FLOW: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    file: { type: 'string' },
    state: { type: 'string', enum: ['running', 'paused', 'failed', 'stopped'] },
    generation: { type: 'integer', description: '1 for the version started first, +1 for each reload or restart' },
    issues: {
      type: 'array',
      items: { type: 'string' },
      description: 'Why it failed; beside running, why a newer version of its file was refused',
    },
    counters: { ...counters, description: 'Of the running version: from zero with each generation' },
    lastError: errorInfo,
    consumer: { type: 'object', properties: { groupId: { type: 'string' }, topics: { type: 'array', items: { type: 'string' } } } },
    stepState: {
      type: 'array',
      description:
        'Only for a flow with stateful steps (dedupe, aggregate, join, timeout): per step, the state it holds in this process, for the partitions of its input assigned here (also on /metrics as crmhub_flow_state_*)',
      items: {
        type: 'object',
        properties: {
          step: { type: 'string', description: 'Its place and kind, e.g. steps[2].aggregate' },
          groupId: { type: 'string', description: 'The consumer group of the stage that runs it' },
          input: { type: 'string', description: 'The repartition topic that stage reads (its lag is on /metrics as crmhub_consumer_lag)' },
          changelog: { type: 'string', description: 'The compacted topic its state is kept in' },
          keys: { ...integer, description: 'Keys held: windows, join buffers, dedupe keys…' },
          timers: { ...integer, description: 'Timers pending: window closes, join and timeout deadlines' },
          bytes: { ...integer, description: 'Approximate size of its keys and values, as JSON' },
          partitions: { ...integer, description: 'Partitions of its input held here' },
        },
      },
    },
    ...measured,
  },
};
const TOTALS: JsonSchema = {
  type: 'object',
  properties: {
    count: integer,
    byState: { type: 'object', additionalProperties: integer },
    counters,
    rate: { type: 'object', properties: { inPerSecond: { type: 'number' }, outPerSecond: { type: 'number' } } },
    lag: integer,
  },
};

const name = (what: string) => [
  { name: 'name', in: 'path' as const, description: `The ${what}'s name`, schema: { type: 'string', minLength: 1, maxLength: 300 } },
];

/** The runtime's errors that are the caller's to fix, as HTTP answers: an unknown name, or a state that forbids the action. */
const NOT_FOUND: Readonly<Record<string, string>> = { INSTANCE_UNKNOWN: 'CONNECTOR_UNKNOWN', FLOW_UNKNOWN: 'FLOW_UNKNOWN' };
const CONFLICT = new Set(['INSTANCE_NOT_RESTARTABLE', 'INSTANCE_NOT_RUNNING', 'FLOW_NOT_RUNNING', 'FLOW_FILE_UNREADABLE']);

/** Answers with what `action` returns, unless it answered itself. */
async function answer(res: Response, action: () => Promise<unknown>): Promise<unknown> {
  try {
    const body = await action();
    return res.headersSent ? res : res.json(body);
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    const notFound = NOT_FOUND[error.code];
    if (notFound) return apiError(res, 404, notFound, error.message);
    // The reason may quote a failed instance's last error, which may quote a record.
    if (CONFLICT.has(error.code)) return apiError(res, 409, error.code, maskPersonalPatterns(error.message));
    throw error;
  }
}

/**
 * Status and control of connector instances and flows: what a dashboard polls (GET /api/status,
 * cheap: rates from sampled counters, lag cached), and pause, resume and restart for operators.
 * A pause holds until resumed, across restarts and flow reloads.
 */
export function runtimeRoutes(deps: RuntimeRoutesDeps): ApiRoute[] {
  const overview = new RuntimeOverview(deps);
  const { connectors, flows } = deps;

  const connectorAction = (action: 'pause' | 'resume' | 'restart', summary: string, description: string): ApiRoute => ({
    method: 'post',
    path: `/api/connectors/{name}/${action}`,
    operationId: `${action}Connector`,
    summary,
    description,
    tag: 'connectors',
    access: 'operator',
    parameters: name('connector instance'),
    responses: {
      200: { description: "The instance's status afterwards", schema: CONNECTOR },
      404: errorResponse('No connector instance of that name (CONNECTOR_UNKNOWN)'),
      409: errorResponse(
        action === 'restart'
          ? 'Its config failed validation (INSTANCE_NOT_RESTARTABLE), with the reason'
          : 'Nothing runs to pause or resume: it failed to start, is stopped or restarting (INSTANCE_NOT_RUNNING)',
      ),
    },
    handle: ({ params }, res) =>
      answer(res, async () => {
        const instance = String(params.name);
        const report = action === 'restart' ? await connectors.restart(instance) : connectors[action](instance);
        return overview.connectorView(report);
      }),
  });

  const flowAction = (action: 'pause' | 'resume', summary: string): ApiRoute => ({
    method: 'post',
    path: `/api/flows/{name}/${action}`,
    operationId: `${action}Flow`,
    summary,
    description:
      'A pause holds until resumed, also across reloads and restarts. In-flight batches finish; the consumer group keeps its partitions.',
    tag: 'flows',
    access: 'operator',
    parameters: name('flow'),
    responses: {
      200: { description: "The flow's status afterwards", schema: FLOW },
      404: errorResponse('No flow of that name (FLOW_UNKNOWN)'),
      409: errorResponse('The flow is not running: its file is invalid or it failed to start (FLOW_NOT_RUNNING)'),
    },
    handle: ({ params }, res) => answer(res, async () => overview.flowView(flows[action](String(params.name)))),
  });

  return [
    {
      method: 'get',
      path: '/api/status',
      operationId: 'runtimeStatus',
      summary: 'Every connector instance and flow with state, rates, consumer lag and last error, and totals',
      description: 'Made to be polled by a dashboard every couple of seconds: lag is read from the broker at most every 5 s per group.',
      tag: 'status',
      access: 'viewer',
      responses: {
        200: {
          description: 'The overview',
          schema: {
            type: 'object',
            properties: {
              at: timestamp,
              connectors: { type: 'array', items: CONNECTOR },
              flows: { type: 'array', items: FLOW },
              totals: { type: 'object', properties: { connectors: TOTALS, flows: TOTALS } },
            },
          },
        },
      },
      handle: (_request, res) => answer(res, () => overview.status()),
    },
    {
      method: 'get',
      path: '/api/connectors',
      operationId: 'listConnectorInstances',
      summary: 'Every connector instance: state, counters, rates, consumer lag (sinks), last error',
      tag: 'connectors',
      access: 'viewer',
      responses: {
        200: {
          description: 'The instances, in config order',
          schema: { type: 'object', properties: { connectors: { type: 'array', items: CONNECTOR } } },
        },
      },
      handle: (_request, res) => answer(res, async () => ({ connectors: await overview.connectors() })),
    },
    {
      method: 'get',
      path: '/api/connectors/{name}',
      operationId: 'getConnectorInstance',
      summary: 'One connector instance',
      tag: 'connectors',
      access: 'viewer',
      parameters: name('connector instance'),
      responses: {
        200: { description: 'Its status', schema: CONNECTOR },
        404: errorResponse('No connector instance of that name (CONNECTOR_UNKNOWN)'),
      },
      handle: ({ params }, res) => answer(res, () => overview.connector(String(params.name))),
    },
    connectorAction(
      'pause',
      'Pause a connector instance',
      'A source stops polling and answers webhooks with 503 and Retry-After; a sink stops consuming and keeps its partitions. Holds until resumed, also across restarts.',
    ),
    connectorAction('resume', 'Resume a paused connector instance', 'A polling source polls at once, then on its schedule.'),
    connectorAction(
      'restart',
      'Restart a connector instance from its config',
      'Stops it (in-flight work drains) and starts it again: a new connector object, consumer and schedule. Counters, last error and a pause carry over. When it fails to start again the answer is still 200, with state failed and the reason in lastError.',
    ),
    {
      method: 'get',
      path: '/api/flows',
      operationId: 'listFlows',
      summary: 'Every flow: state, generation, counters, rates, consumer lag, issues and last error',
      tag: 'flows',
      access: 'viewer',
      responses: { 200: { description: 'The flows', schema: { type: 'object', properties: { flows: { type: 'array', items: FLOW } } } } },
      handle: (_request, res) => answer(res, async () => ({ flows: await overview.flows() })),
    },
    {
      method: 'get',
      path: '/api/flows/{name}',
      operationId: 'getFlow',
      summary: 'One flow',
      description: 'A flow whose file never compiled is known by its file path (URL-encoded).',
      tag: 'flows',
      access: 'viewer',
      parameters: name('flow'),
      responses: { 200: { description: 'Its status', schema: FLOW }, 404: errorResponse('No flow of that name (FLOW_UNKNOWN)') },
      handle: ({ params }, res) => answer(res, () => overview.flow(String(params.name))),
    },
    flowAction('pause', 'Pause a flow'),
    flowAction('resume', 'Resume a paused flow'),
    {
      method: 'post',
      path: '/api/flows/{name}/restart',
      operationId: 'restartFlow',
      summary: "Compile a flow's file again and start it as a new generation",
      description:
        'The consumer group resumes from its committed offsets; counters start from zero. When the file is invalid now, the answer is 422 with its issues and the last good version (if any) runs on. The file may have renamed the flow: the answer then carries the new name.',
      tag: 'flows',
      access: 'operator',
      parameters: name('flow'),
      responses: {
        200: {
          description: "The flow's status afterwards (state failed, with issues, when it compiled but could not start)",
          schema: FLOW,
        },
        404: errorResponse('No flow of that name (FLOW_UNKNOWN)'),
        409: errorResponse('Its file cannot be read any more (FLOW_FILE_UNREADABLE)'),
        422: errorResponse('Its file is invalid (FLOW_INVALID); issues: each { file, line, column, path, code, message }'),
      },
      handle: ({ params }, res) =>
        answer(res, async () => {
          const { status, issues } = await flows.restart(String(params.name));
          if (issues.length === 0) return overview.flowView(status);
          const outcome =
            status.state === 'running' || status.state === 'paused'
              ? `the last good version (generation ${status.generation}) runs on`
              : 'the flow is not running';
          return apiError(res, 422, 'FLOW_INVALID', `${status.file} is invalid (${issues.length} issue(s)): ${outcome}`, issues);
        }),
    },
  ];
}
