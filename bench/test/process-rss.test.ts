import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { childProcessNamed, processRssBytes } from '../support/process-rss.js';

describe('process RSS', () => {
  it("reads a process's resident set as Node itself sees it", async () => {
    const own = process.memoryUsage.rss();
    const read = await processRssBytes(process.pid);
    expect(read).to.be.within(own * 0.8, own * 1.25);
  });

  it('finds the child running a command under a parent (the node under the guard shell)', async () => {
    const child = spawn('sleep', ['30']);
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      expect(await childProcessNamed(process.pid, 'sleep')).to.equal(child.pid);
      expect(await childProcessNamed(process.pid, 'no-such-command')).to.equal(undefined);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('fails with BENCH_PROCESS_GONE for a process that is not there', async () => {
    const error = await processRssBytes(2 ** 22 + 12345).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.have.property('code', 'BENCH_PROCESS_GONE');
  });
});
