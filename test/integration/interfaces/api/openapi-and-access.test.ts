import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import axios from 'axios';
import winston from 'winston';
import { expect } from 'chai';
import type { Express } from 'express';
import { sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { Hub } from '../../../../src/hub/hub.js';
import { loadHubConnectors } from '../../../../src/hub/hub-connectors.js';
import { hubSettingsFromEnv } from '../../../../src/hub/hub-settings.js';
import { PROJECT_ROOT } from '../../../support/cli-process.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { infrastructure } from '../../infrastructure.js';

type Schema = { type?: string; format?: string; properties?: Record<string, Schema> };
type Operation = {
  'x-crm-hub-role': string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
};

const TIME_FORMATS = ['date', 'date-time', 'point-in-time'];

/** A date or an instant: declared so, or named like one (so that one left undeclared is found too). */
function isTime(name: string, schema: Schema | undefined): boolean {
  return (
    TIME_FORMATS.includes(schema?.format ?? '') ||
    (schema?.type !== 'integer' && /^(asOf|since|until|from|to|before|after)$|date|time/i.test(name))
  );
}

/** Paths (property names from the root) of the body fields that take a date or an instant. */
function timeFieldsOf(schema: Schema | undefined, at: string[] = []): string[][] {
  if (!schema) return [];
  if (at.length > 0 && isTime(at.at(-1)!, schema)) return [at];
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => timeFieldsOf(property, [...at, name]));
}

function bodyWith(path: string[], value: string): unknown {
  return path.reduceRight<unknown>((inner, name) => ({ [name]: inner }), value);
}

/** Every route the express app serves, as `METHOD /path/{param}`, walking mounted routers. */
function servedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: unknown[]) => {
    for (const layer of stack as { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: unknown[] } }[]) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          found.push(`${method.toUpperCase()} ${layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack);
  return [...new Set(found)].sort();
}

describe('admin API: documented, validated and access-controlled', function () {
  this.timeout(120_000);
  let hub: Hub;
  let base: string;
  let document: { paths: Record<string, Record<string, Operation>> };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-api-'));
  const errorsLogged: string[] = [];
  const tokens = { viewer: 'viewer-token-for-the-test', operator: 'operator-token-for-the-test', admin: 'admin-token-for-the-test' };

  before(async () => {
    const configFile = path.join(dataDir, 'crm-hub.yaml');
    fs.writeFileSync(
      configFile,
      [
        'connectors: {}',
        'admin:',
        '  tokens:',
        ...Object.entries(tokens).map(([role, token]) => `    - { name: ${role}-one, role: ${role}, sha256: ${sha256Hex(token)} }`),
        '',
      ].join('\n'),
    );
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
    // What the hub logs at error level, to show that a caller's mistake is not the hub's error.
    logger.add(
      new winston.transports.Stream({
        level: 'error',
        stream: new Writable({ write: (chunk: Buffer, _encoding, done) => (errorsLogged.push(chunk.toString()), done()) }),
      }),
    );
    const settings = {
      ...hubSettingsFromEnv(
        {
          CRM_HUB_PORT: '0',
          CRM_HUB_HOST: '127.0.0.1',
          CRM_HUB_DATA_DIR: dataDir,
          KAFKA_BROKERS: infrastructure().kafka.brokers.join(','),
          SCHEMA_REGISTRY_URL: infrastructure().registry.url,
          CRM_HUB_FLOWS_DIR: path.join(dataDir, 'no-flows'),
        },
        PROJECT_ROOT,
      ),
      configFile,
    };
    hub = await Hub.start(settings, await SchemaCatalog.load(settings.schemasDir), await loadHubConnectors(configFile, logger), logger);
    base = `http://127.0.0.1:${hub.httpPort}`;
    document = (await axios.get(`${base}/openapi.json`)).data;
  });

  after(async () => {
    await hub?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('documents every route the server serves, and serves every documented route', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([route, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`))
      .sort();
    expect(servedRoutes(hub.http!.app)).to.deep.equal(documented);
  });

  it('answers every mutating route 401 without a token and 403 with a role too low; every non-open route 401 without a token', async () => {
    const checked: string[] = [];
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const role = operation['x-crm-hub-role'];
        if (role === 'open') continue;
        const url = `${base}${route.replace(/\{[^}]+\}/g, 'x')}`;
        const anonymous = await axios.request({ method, url, data: {}, validateStatus: () => true });
        expect(anonymous.status, `${method} ${route} without a token`).to.equal(401);
        const lower = role === 'admin' ? tokens.operator : role === 'operator' ? tokens.viewer : undefined;
        if (lower) {
          const denied = await axios.request({
            method,
            url,
            data: {},
            headers: { Authorization: `Bearer ${lower}` },
            validateStatus: () => true,
          });
          expect(denied.status, `${method} ${route} with a role below ${role}`).to.equal(403);
        }
        if (method !== 'get') expect(role, `${method} ${route} changes something: operator or admin`).to.be.oneOf(['operator', 'admin']);
        checked.push(`${method} ${route}`);
      }
    }
    expect(checked.length).to.be.at.least(5);
  });

  it('validates requests against the document: a missing required query parameter or body is 400 naming it', async () => {
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (operation['x-crm-hub-role'] === 'open') continue;
        const required = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query' && parameter.required);
        if (required.length === 0 && !operation.requestBody) continue;
        const url = `${base}${route.replace(/\{[^}]+\}/g, 'x')}`;
        const answer = await axios.request({
          method,
          url,
          headers: { Authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
          data: operation.requestBody ? '[]' : undefined,
          validateStatus: () => true,
        });
        expect(answer.status, `${method} ${route}: ${JSON.stringify(answer.data)}`).to.equal(400);
        expect(answer.data.error.code).to.equal('REQUEST_INVALID');
        for (const parameter of required) expect(JSON.stringify(answer.data.error.issues)).to.contain(parameter.name);
      }
    }
  });

  it('answers 400 naming the field for a day that is not in the calendar, on every route that takes a date or an instant, and logs no error', async () => {
    const checked: string[] = [];
    errorsLogged.length = 0;
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = `${base}${route.replace(/\{[^}]+\}/g, 'x')}`;
        const headers = { Authorization: `Bearer ${tokens.admin}` };
        const parameters = (operation.parameters ?? []).filter(
          (parameter) => parameter.in === 'query' && isTime(parameter.name, parameter.schema),
        );
        const bodyFields = timeFieldsOf(operation.requestBody?.content['application/json'].schema);
        for (const bad of ['2026-02-30', '0000-00-00', '2026-02-30T08:00:00Z']) {
          for (const parameter of parameters) {
            const answer = await axios.request({ method, url, params: { [parameter.name]: bad }, headers, validateStatus: () => true });
            expect(
              [answer.status, answer.data.error?.code],
              `${method} ${route}?${parameter.name}=${bad}: ${JSON.stringify(answer.data)}`,
            ).to.deep.equal([400, 'REQUEST_INVALID']);
            expect(answer.data.error.message).to.contain(parameter.name);
            checked.push(`${method} ${route} ${parameter.name}`);
          }
          for (const field of bodyFields) {
            const answer = await axios.request({ method, url, data: bodyWith(field, bad), headers, validateStatus: () => true });
            expect(
              [answer.status, answer.data.error?.code],
              `${method} ${route} body ${field.join('.')}=${bad}: ${JSON.stringify(answer.data)}`,
            ).to.deep.equal([400, 'REQUEST_INVALID']);
            expect(answer.data.error.message).to.contain(field.join('.'));
            checked.push(`${method} ${route} body ${field.join('.')}`);
          }
        }
      }
    }
    // The renewal list and run (asOf), dead letters and their summary (since, until), a replay's filter, the trace (since).
    expect(new Set(checked)).to.include.keys(
      'get /api/renewals asOf',
      'post /api/renewals/run asOf',
      'get /api/dead-letters since',
      'get /api/dead-letters until',
      'get /api/dead-letters/summary since',
      'post /api/dead-letters/replays body filter.since',
      'get /api/trace since',
    );
    for (const time of new Set(checked)) {
      const [method, route, name] = time.split(' ');
      const declared =
        name === 'body' ? true : document.paths[route!]![method!]!.parameters!.find((parameter) => parameter.name === name)!.schema!.format;
      expect(Boolean(declared), `${time}: the document states the format`).to.equal(true);
    }
    // A real day still passes the check (what the route answers then is its own business).
    const valid = await axios.get(`${base}/api/renewals`, {
      params: { asOf: '2024-02-29' },
      headers: { Authorization: `Bearer ${tokens.admin}` },
      validateStatus: () => true,
    });
    expect(valid.status, JSON.stringify(valid.data)).not.to.equal(400);
    expect(errorsLogged, "a caller's mistake is not logged as an error").to.deep.equal([]);
  });

  it('answers 404 to an unmerge of a source record no golden customer has, sending nothing', async () => {
    const answer = await axios.post(
      `${base}/api/customers/unmerge`,
      { system: 'crm', systemId: 'no-such-record' },
      { headers: { Authorization: `Bearer ${tokens.operator}` }, validateStatus: () => true },
    );
    expect([answer.status, answer.data.error?.code], JSON.stringify(answer.data)).to.deep.equal([404, 'CUSTOMER_RECORD_UNKNOWN']);
    expect(answer.data.error.message).to.contain('no-such-record');
  });

  it('keeps probes open by default and the token out of every answer', async () => {
    expect((await axios.get(`${base}/health`, { validateStatus: () => true })).status).to.be.oneOf([200, 503]);
    expect((await axios.get(`${base}/ready`, { validateStatus: () => true })).status).to.be.oneOf([200, 503]);
    const text = JSON.stringify(document);
    for (const token of Object.values(tokens)) expect(text).not.to.contain(token).and.not.to.contain(sha256Hex(token));
  });
});
