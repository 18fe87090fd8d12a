import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, PROJECT_ROOT, runCli } from '../../../support/cli-process.js';

/** Runs a Node script of a dev dependency (tsc, mocha, eslint) from the project root. */
function runNode(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('crm-hub new connector', function () {
  // Type-checks the whole project and runs the generated tests in child processes.
  this.timeout(180_000);
  const unique = `${process.pid}-${Date.now().toString(36)}`;
  const sink = `scaffold-sink-${unique}`;
  const source = `scaffold-source-${unique}`;
  const folders = [sink, source].map((name) => path.join(PROJECT_ROOT, 'connectors', name));
  const env = cleanEnv({});

  after(async () => {
    for (const folder of folders) await fs.rm(folder, { recursive: true, force: true });
  });

  it('generates a sink and a source that type-check, pass lint and pass their own tests as generated', async () => {
    const [sinkRun, sourceRun] = await Promise.all([
      runCli(['new', 'connector', sink], env),
      runCli(['new', 'connector', source, '--kind', 'source'], env),
    ]);
    expect(sinkRun.code, sinkRun.stderr).to.equal(0);
    expect(sourceRun.code, sourceRun.stderr).to.equal(0);
    expect(sinkRun.stdout).to.include(`created ${path.join('connectors', sink, 'index.ts')}\n`);
    for (const [name, folder] of [sink, source].map((name, index) => [name, folders[index]!] as const)) {
      expect((await fs.readdir(folder)).sort()).to.deep.equal(['README.md', 'index.ts', 'test']);
      expect(await fs.readdir(path.join(folder, 'test/unit'))).to.deep.equal([`${name}.test.ts`]);
      const index = await fs.readFile(path.join(folder, 'index.ts'), 'utf8');
      expect(index).to.include("from '../../src/connect/sdk/connector-definition.js'");
      expect(index).to.include(`name: '${name}'`);
      expect(await fs.readFile(path.join(folder, 'README.md'), 'utf8')).to.include(`    connector: ${name}\n`);
    }
    expect(await fs.readFile(path.join(folders[1]!, 'index.ts'), 'utf8')).to.include("kind: 'source'");

    const tests = [sink, source].map((name, index) => path.join(folders[index]!, 'test/unit', `${name}.test.ts`));
    const [typecheck, mocha, lint] = await Promise.all([
      runNode([path.join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']),
      runNode([path.join(PROJECT_ROOT, 'node_modules/mocha/bin/mocha.js'), '--node-option', 'import=tsx', '--reporter', 'dot', ...tests]),
      runNode([path.join(PROJECT_ROOT, 'node_modules/eslint/bin/eslint.js'), ...folders]),
    ]);
    expect(typecheck.code, typecheck.output).to.equal(0);
    expect(mocha.code, mocha.output).to.equal(0);
    expect(mocha.output).to.match(/5 passing/);
    expect(lint.code, lint.output).to.equal(0);
  });

  it('refuses a bad name and an existing folder, touching nothing', async () => {
    const echoIndex = path.join(PROJECT_ROOT, 'connectors/example-echo/index.ts');
    const before = await fs.readFile(echoIndex, 'utf8');
    const [badName, existing, badKind] = await Promise.all([
      runCli(['new', 'connector', 'ERP_orders'], env),
      runCli(['new', 'connector', 'example-echo', '--kind', 'source'], env),
      runCli(['new', 'connector', 'erp-orders', '--kind', 'pipe'], env),
    ]);
    expect(badName.code).to.equal(1);
    expect(badName.stderr).to.equal(
      'crm-hub: CONNECTOR_NAME_INVALID: "ERP_orders" is not a valid connector name: use lower-case letters and digits in words joined by "-", starting with a letter (e.g. erp-orders), at most 63 characters\n',
    );
    expect(existing.code).to.equal(1);
    expect(existing.stderr).to.equal(
      `crm-hub: CONNECTOR_EXISTS: ${path.join(PROJECT_ROOT, 'connectors/example-echo')} already exists; choose another name or remove it first\n`,
    );
    expect(await fs.readFile(echoIndex, 'utf8')).to.equal(before);
    expect(badKind.code).to.equal(1);
    expect(badKind.stderr).to.include("argument 'pipe' is invalid. Allowed choices are source, sink.");
    await fs.access(path.join(PROJECT_ROOT, 'connectors/erp-orders')).then(
      () => expect.fail('connectors/erp-orders must not exist'),
      () => undefined,
    );
  });

  it('writes into another folder with --dir, importing the SDK from this project', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-new-'));
    try {
      const result = await runCli(['new', 'connector', 'erp-orders', '--dir', dir], env);
      expect(result.code, result.stderr).to.equal(0);
      const index = await fs.readFile(path.join(dir, 'erp-orders/index.ts'), 'utf8');
      const sdk = /from '([^']+\/connect\/sdk\/connector-definition\.js)'/.exec(index)?.[1];
      expect(path.resolve(dir, 'erp-orders', sdk!.replace(/\.js$/, '.ts'))).to.equal(
        path.join(PROJECT_ROOT, 'src/connect/sdk/connector-definition.ts'),
      );
      expect(result.stdout).to.include(`--connectors ${dir}`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
