import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Command } from 'commander';
import express from 'express';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { traceRoutes } from '../../../../src/interfaces/api/trace-routes.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { addTraceCommand } from '../../../../src/interfaces/cli/trace-command.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { T0, traceScenario } from './trace-scenario.js';

describe('crm-hub trace', () => {
  const token = 'viewer-token-for-the-cli';
  let server: http.Server;
  let hub: string;
  const asked: Record<string, unknown>[] = [];

  before(async () => {
    const schemas = await SchemaCatalog.load();
    const { kafka, serde } = await traceScenario(schemas);
    const app = express();
    app.use((req, _res, next) => {
      asked.push({ ...req.query });
      next();
    });
    app.use(
      apiRouter(
        traceRoutes({ client: kafka, schemas, serde }),
        { tokens: new ApiTokens([{ name: 'ops', role: 'viewer', sha256: sha256Hex(token) }]), openPaths: new Set() },
        createLogger({ level: 'error' }),
      ),
    );
    server = http.createServer(app).listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    hub = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    process.exitCode = undefined;
    asked.length = 0;
  });

  async function run(...args: string[]): Promise<string> {
    const program = new Command('crm-hub').exitOverride();
    addTraceCommand(program);
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as unknown as typeof process.stdout.write;
    try {
      await program.parseAsync([
        'node',
        'crm-hub',
        'trace',
        ...args,
        '--hub',
        hub,
        '--token',
        token,
        '--since',
        new Date(T0 - 60_000).toISOString(),
      ]);
    } finally {
      process.stdout.write = write;
    }
    return written.join('');
  }

  it('prints the timeline of what matches the id as correlation id or key', async () => {
    const text = await run('corr-1');
    expect(asked[0]).to.include({ correlationId: 'corr-1', key: 'corr-1' });
    expect(text).to.contain('trace of correlation id corr-1 or key corr-1');
    expect(text).to.contain('+40 ms (+40 ms)  flow vip');
    expect(process.exitCode).to.equal(undefined);
  });

  it('--by key asks for the key only; --json prints the answer; --values asks for values', async () => {
    const trace = JSON.parse(await run('C2', '--by', 'key', '--json', '--values'));
    expect(asked[0]).to.not.have.property('correlationId');
    expect(asked[0]).to.include({ key: 'C2', values: 'true' });
    expect(trace.hops.map((hop: { key: string }) => hop.key)).to.deep.equal(['C2']);
    expect(trace.hops[0].value.fullName).to.equal('张*');
  });

  it('exits 3 when nothing is found, and refuses an unknown --by', async () => {
    expect(await run('nobody-at-all')).to.contain('no record found');
    expect(process.exitCode).to.equal(3);
    const refused = await run('x', '--by', 'colour').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).to.have.property('code', 'TRACE_MATCH_UNKNOWN');
  });
});
