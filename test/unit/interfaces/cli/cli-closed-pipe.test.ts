import { expect } from 'chai';
import { cleanEnv, startCli } from '../../../support/cli-process.js';

describe('crm-hub output into a closed pipe (crm-hub … | head)', function () {
  this.timeout(30_000);

  for (const args of [
    ['connectors', 'list'],
    ['schemas', 'list'],
    ['token', 'new', '--name', 'ops-alice'],
  ]) {
    it(`${args.join(' ')} exits quietly when its reader has gone`, async () => {
      const run = startCli(args, cleanEnv({}));
      // The reader closes before the command writes anything, as `head` does after its lines.
      run.child.stdout!.destroy();
      const { code, signal } = await run.exited;
      expect(run.stderr()).not.to.match(/EPIPE|Error|at /);
      expect({ code, signal }).to.deep.equal({ code: 0, signal: null });
    });
  }
});
