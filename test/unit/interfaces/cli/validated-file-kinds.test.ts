import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileKindFor } from '../../../../src/interfaces/cli/validated-file-kinds.js';
import { cleanEnv, runCli } from '../../../support/cli-process.js';

describe('crm-hub validate: which kind a file is', () => {
  const flowWith = (stepsKey: string) =>
    [
      'name: stock-alert',
      'from: scm.inventory.v1',
      `${stepsKey}:`,
      '  - filter: onHand < reorderPoint',
      'to: { topic: scm.inventory.v1 }',
      '',
    ].join('\n');

  it('takes a file with name and from for a flow, whatever key is misspelt', () => {
    expect(fileKindFor(flowWith('steps')).name).to.equal('flow');
    expect(fileKindFor(flowWith('stepz')).name).to.equal('flow');
    expect(fileKindFor(flowWith('stepz').replace('name:', 'nmae:')).name, 'still more like a flow than a hub config').to.equal('flow');
    expect(fileKindFor('connectors:\n  crm: { connector: crm }\n').name).to.equal('hub config');
    expect(fileKindFor('conectors: {}\nadmin: {}\n').name).to.equal('hub config');
  });

  it('reports a misspelt steps of a flow as one unknown key with the key meant', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-kinds-'));
    try {
      const file = path.join(dir, 'stock-alert.yaml');
      await fs.writeFile(file, flowWith('stepz'));
      const result = await runCli(['validate', file], cleanEnv({}));
      expect(result.stdout).to.equal(`${file}:3:1 stepz: unknown key "stepz"; did you mean "steps"?\n`);
      expect(result.stderr).to.equal('1 problem found\n');
      expect(result.code).to.equal(1);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
