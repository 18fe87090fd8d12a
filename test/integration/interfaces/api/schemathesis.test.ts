import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { freePort } from '../../../../src/platform/infra/free-port.js';
import { startDemoLandscape, type DemoLandscape } from '../../../../src/demo/demo-landscape.js';
import { cleanEnv, PROJECT_ROOT, startCli, type CliRun } from '../../../support/cli-process.js';
import { runSchemathesis, schemathesisCommand, SCHEMATHESIS_VERSION } from '../../../support/schemathesis-cli.js';
import { waitOrFail } from '../../../support/wait-until.js';

/** Per-operation settings, each with its reason. */
const CONFIG_FILE = path.join(import.meta.dirname, 'schemathesis.toml');

interface Hub {
  url: string;
  cli: CliRun;
  dataDir: string;
  tokens: Record<'viewer' | 'operator', string>;
}

/**
 * `crm-hub run` on the demo config, on its own embedded broker and registry (a throwaway hub: its
 * topics, groups and data are its alone, so what an operator run does touches nothing else, and
 * reading every topic is quick), with a viewer and an operator API token; healthy.
 */
async function startThrowawayHub(landscape: DemoLandscape): Promise<Hub> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-schemathesis-'));
  const tokens = { viewer: randomBytes(24).toString('base64url'), operator: randomBytes(24).toString('base64url') };
  const config = `${fs.readFileSync(path.join(PROJECT_ROOT, 'config', 'demo.crm-hub.yaml'), 'utf8')}
admin:
  tokens:
    - { name: schemathesis-viewer, role: viewer, sha256: ${sha256Hex(tokens.viewer)} }
    - { name: schemathesis-operator, role: operator, sha256: ${sha256Hex(tokens.operator)} }
`;
  fs.writeFileSync(path.join(dataDir, 'crm-hub.yaml'), config);
  const port = await freePort();
  // cleanEnv drops KAFKA_BROKERS and SCHEMA_REGISTRY_URL: the hub starts embedded ones.
  const cli = startCli(
    ['run'],
    cleanEnv({
      ...landscape.env,
      CRM_HUB_CONFIG: path.join(dataDir, 'crm-hub.yaml'),
      CRM_HUB_PORT: String(port),
      CRM_HUB_HOST: '127.0.0.1',
      CRM_HUB_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitOrFail(
    async () => {
      if (cli.child.exitCode !== null) throw new Error(`the hub exited: ${cli.stderr().slice(-3000)}`);
      const health = await fetch(`${url}/health`).catch(() => undefined);
      return health?.status === 200;
    },
    240_000,
    () => `the hub healthy (stderr: ${cli.stderr().slice(-2000)})`,
    500,
  );
  return { url, cli, dataDir, tokens };
}

async function stopHub(hub: Hub | undefined): Promise<void> {
  if (!hub) return;
  if (hub.cli.child.exitCode === null) {
    hub.cli.child.kill('SIGTERM');
    const stopped = await Promise.race([
      hub.cli.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 60_000).unref()),
    ]);
    if (!stopped) hub.cli.child.kill('SIGKILL');
    await hub.cli.exited;
  }
  fs.rmSync(hub.dataDir, { recursive: true, force: true });
}

/**
 * What every run checks: all of schemathesis's checks, 20 examples per operation, a bounded time.
 * The webhook route is left out: it takes only requests signed with the instance's HMAC secret (a
 * fresh timestamp each), which schemathesis cannot make, so it would only ever see 401; the
 * webhook tests (test/integration/runtime/webhook*.test.ts) check its answers instead.
 */
function schemathesisArgs(hub: Hub, role: 'viewer' | 'operator'): string[] {
  return [
    `${hub.url}/openapi.json`,
    '--checks',
    'all',
    '--max-examples',
    '20',
    // One worker: CPython 3.11's ast module is not thread-safe, and hypothesis parses lambdas with it
    // ("AST constructor recursion depth mismatch" with two); it also keeps the hub's load that of one client.
    '--workers',
    '1',
    '--exclude-path',
    '/webhooks/{instance}',
    // Listing dead letters and tracing read topics: seconds on a busy machine, never wrong.
    '--request-timeout',
    '60',
    '--max-response-time',
    '60',
    '--seed',
    '17',
    '--no-color',
    '-H',
    `Authorization: Bearer ${hub.tokens[role]}`,
  ];
}

function summary(output: string): string {
  // The report's failures and summary are at its end; the progress lines before them are not needed.
  const failures = output.indexOf('FAILURES');
  return failures >= 0 ? output.slice(failures) : output.slice(-6000);
}

describe(`the OpenAPI document holds against schemathesis ${SCHEMATHESIS_VERSION} (--checks all)`, function () {
  this.timeout(20 * 60_000);
  let st: string;
  let landscape: DemoLandscape;
  let hub: Hub | undefined;

  before(async () => {
    [st, landscape] = await Promise.all([schemathesisCommand(), startDemoLandscape()]);
    hub = await startThrowawayHub(landscape);
  });

  after(async () => {
    await stopHub(hub);
    await landscape?.close();
  });

  it('as a viewer, against a throwaway hub running the demo: clean, and without side effects (every mutation needs operator: 403)', async () => {
    const result = await runSchemathesis(st, CONFIG_FILE, schemathesisArgs(hub!, 'viewer'));
    expect(result.code, summary(result.output)).to.equal(0);
    expect(result.output, 'the mutating operations were refused, not run').to.match(/403 Forbidden \(\d+ operations\)/);
  });

  it('as an operator (pause, resume, restart, replay, unmerge) against the same throwaway hub: clean', async () => {
    const result = await runSchemathesis(st, CONFIG_FILE, schemathesisArgs(hub!, 'operator'));
    expect(result.code, summary(result.output)).to.equal(0);
  });
});
