import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, PROJECT_ROOT, runCli } from '../../../support/cli-process.js';

describe('crm-hub validate', () => {
  let dir: string;
  let connectors: string;
  const env = cleanEnv({ ECHO_PASSWORD: 'correct horse battery' });

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-cli-validate-'));
    connectors = path.join(dir, 'connectors');
    await fs.mkdir(connectors);
    await fs.symlink(path.join(PROJECT_ROOT, 'connectors/example-echo'), path.join(connectors, 'example-echo'));
    await fs.writeFile(
      path.join(dir, 'ok.yaml'),
      [
        'connectors:',
        '  erp-main:',
        '    connector: example-echo',
        '    config:',
        '      target: https://erp.example.com',
        '      auth: { user: hub, password: ${ECHO_PASSWORD} }',
        '  erp-spare:',
        '    connector: example-echo',
        '    enabled: false',
        '    config: { target: "https://erp2.example.com" }',
        '',
      ].join('\n'),
    );
    await fs.writeFile(
      path.join(dir, 'broken.yaml'),
      [
        'connectors:',
        '  erp-main:',
        '    connector: example-echo',
        '    batchsize: 10',
        '    config:',
        '      target: not a uri',
        '      auth: { user: hub, password: ${ECHO_PASSWORD} }',
        '  billing:',
        '    connector: exmple-echo',
        '',
      ].join('\n'),
    );
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('prints a one-line summary and exits 0 for a valid file', async () => {
    const result = await runCli(['validate', path.join(dir, 'ok.yaml'), '--connectors', connectors], env);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal(
      `${path.join(dir, 'ok.yaml')}: valid hub config, 2 connector instances (example-echo: erp-main, erp-spare (disabled))\n`,
    );
  });

  it('prints every issue as file:line:column path: message and exits 1, never showing a secret', async () => {
    const file = path.relative(PROJECT_ROOT, path.join(dir, 'broken.yaml'));
    const result = await runCli(['validate', file, '--connectors', connectors], { ...env, ECHO_PASSWORD: 'short' });
    expect(result.code).to.equal(1);
    expect(result.stdout.split('\n')).to.deep.equal([
      `${file}:4:5 connectors.erp-main.batchsize: unknown key "batchsize"; did you mean "batchSize"?`,
      `${file}:6:15 connectors.erp-main.config.target: must match format "uri"`,
      `${file}:7:36 connectors.erp-main.config.auth.password: must NOT have fewer than 8 characters`,
      `${file}:9:16 connectors.billing.connector: unknown connector "exmple-echo"; did you mean "example-echo"? (known: example-echo)`,
      '',
    ]);
    expect(result.stderr).to.equal('4 problems found\n');
    expect(result.stdout + result.stderr).not.to.include('short');
  });

  it('goes on past a file it cannot read and still fails', async () => {
    const result = await runCli(['validate', path.join(dir, 'absent.yaml'), path.join(dir, 'ok.yaml'), '--connectors', connectors], env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(
      `crm-hub: CONFIG_UNREADABLE: cannot read ${path.join(dir, 'absent.yaml')}: no such file\n1 problem found\n`,
    );
    expect(result.stdout).to.include('ok.yaml: valid hub config');
  });
});
