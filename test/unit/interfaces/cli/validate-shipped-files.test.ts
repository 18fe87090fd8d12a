import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, runCli } from '../../../support/cli-process.js';

/**
 * The CI check that every config and flow shipped in the repository validates as shipped: with no
 * environment at all (no DEMO_* variables of `npm start`, no secrets), as on a fresh clone.
 */
describe('crm-hub validate on the files the repository ships', function () {
  this.timeout(60_000);

  it('finds no problem in config/, flows/ (and transactions/) with an empty environment', async () => {
    const folders = ['config', 'flows', 'transactions'].filter((folder) => fs.existsSync(path.join(PROJECT_ROOT, folder)));
    const shipped = folders.flatMap((folder) =>
      fs
        .readdirSync(path.join(PROJECT_ROOT, folder))
        .filter((name) => /\.ya?ml$/.test(name) && !name.endsWith('.test.yaml'))
        .map((name) => `${folder}/${name}`),
    );
    expect(shipped).to.include.members(['config/demo.crm-hub.yaml', 'flows/crm-customer-to-erp.yaml']);
    // Only what starting node needs: no variable the files could refer to.
    const result = await runCli(['validate', ...shipped], { PATH: process.env.PATH });
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.slice(0, line.indexOf(':'))),
    ).to.deep.equal(shipped);
  });
});
