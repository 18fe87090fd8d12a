import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SupervisedProcess } from '../../../../src/platform/infra/supervised-process.js';

const TRAPPING_CHILD = 'trap "echo stopping cleanly; exit 0" TERM; echo started; while true; do sleep 0.1; done';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('SupervisedProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-supervised-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stops the child cleanly with SIGTERM and records its output in the log file', async () => {
    const logFile = path.join(dir, 'child.log');
    const child = SupervisedProcess.start({
      name: 'test child',
      command: 'sh',
      args: ['-c', TRAPPING_CHILD],
      logFile,
      stopGraceSeconds: 5,
    });
    await waitFor(() => fs.readFileSync(logFile, 'utf8').includes('started'), 5000);
    expect(child.running).to.equal(true);
    const exit = await child.stop();
    expect(exit.code).to.equal(0);
    expect(child.running).to.equal(false);
    expect(child.logTail()).to.contain('stopping cleanly');
  });

  it('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const logFile = path.join(dir, 'stubborn.log');
    const child = SupervisedProcess.start({
      name: 'stubborn',
      command: 'sh',
      args: ['-c', 'trap "" TERM; echo started; while true; do sleep 0.1; done'],
      logFile,
      stopGraceSeconds: 1,
    });
    await waitFor(() => fs.readFileSync(logFile, 'utf8').includes('started'), 5000);
    const started = Date.now();
    await child.stop();
    expect(child.running).to.equal(false);
    expect(Date.now() - started).to.be.below(8000);
  });

  it('stops the child when the Node process that started it is killed with SIGKILL', async () => {
    const logFile = path.join(dir, 'orphan.log');
    const pidFile = path.join(dir, 'child.pid');
    const script = `
      import { SupervisedProcess } from ${JSON.stringify(path.resolve('src/platform/infra/supervised-process.ts'))};
      SupervisedProcess.start({ name: 'orphan', command: 'sh', args: ['-c', 'echo $$ > ${pidFile}; ${TRAPPING_CHILD.replace(/"/g, '\\"')}'], logFile: ${JSON.stringify(logFile)} });
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
    expect(await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 10_000)).to.equal(true);
    const childPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    expect(alive(childPid)).to.equal(true);
    parent.kill('SIGKILL');
    expect(await waitFor(() => !alive(childPid), 10_000), 'child outlived its SIGKILLed parent').to.equal(true);
    expect(fs.readFileSync(logFile, 'utf8')).to.contain('stopping cleanly');
  });
});
