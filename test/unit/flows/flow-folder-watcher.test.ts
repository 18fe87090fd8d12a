import path from 'node:path';
import { expect } from 'chai';
import { FlowFolderWatcher } from '../../../src/flows/flow-folder-watcher.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ScriptedFolder } from '../../support/scripted-folder.js';

describe('FlowFolderWatcher', () => {
  const dir = 'flows';
  let clock: ManualClock;
  let folder: ScriptedFolder;
  let reported: string[];
  let watcher: FlowFolderWatcher;

  beforeEach(() => {
    clock = new ManualClock();
    folder = new ScriptedFolder();
    reported = [];
    watcher = new FlowFolderWatcher(dir, (file) => reported.push(file), { clock, watchFolder: folder.watch, settleMs: 300 });
  });
  afterEach(() => watcher.close());

  it('watches the folder it is given', () => {
    expect(folder.dir).to.equal(dir);
  });

  it('reports a file once it has been left alone for the settle time, however many writes made it', async () => {
    folder.changed('vip.yaml', 'vip.yaml');
    await clock.advance(299);
    expect(reported).to.deep.equal([]);
    folder.changed('vip.yaml');
    await clock.advance(299);
    expect(reported, 'a write 299 ms after the first starts the wait again').to.deep.equal([]);
    await clock.advance(1);
    expect(reported).to.deep.equal([path.join(dir, 'vip.yaml')]);
    await clock.advance(10_000);
    expect(reported).to.have.length(1);
    expect(clock.sleeping).to.equal(0);
  });

  it('lets each file settle on its own, so one busy file does not hold another back', async () => {
    folder.changed('a.yaml');
    await clock.advance(200);
    folder.changed('b.yml');
    await clock.advance(100);
    expect(reported).to.deep.equal([path.join(dir, 'a.yaml')]);
    folder.changed('a.yaml');
    await clock.advance(200);
    expect(reported).to.deep.equal([path.join(dir, 'a.yaml'), path.join(dir, 'b.yml')]);
    await clock.advance(100);
    expect(reported).to.deep.equal([path.join(dir, 'a.yaml'), path.join(dir, 'b.yml'), path.join(dir, 'a.yaml')]);
  });

  it('reports both names of a rename, and a removed file, for the listener to find what is still there', async () => {
    folder.changed('old-name.yaml', 'new-name.yaml');
    await clock.advance(300);
    expect(reported).to.deep.equal([path.join(dir, 'old-name.yaml'), path.join(dir, 'new-name.yaml')]);
    folder.changed('new-name.yaml');
    await clock.advance(300);
    expect(reported).to.have.length(3);
  });

  it('ignores what is not a flow file: flow tests, other files, editor swap files', async () => {
    folder.changed('vip.test.yaml', 'vip.test.yml', 'notes.md', '.vip.yaml.swp', 'vip.yaml~', 'vip.yml');
    await clock.advance(300);
    expect(reported).to.deep.equal([path.join(dir, 'vip.yml')]);
  });

  it('stops watching when closed, and does not report a file still settling then', async () => {
    folder.changed('vip.yaml');
    await clock.advance(100);
    watcher.close();
    expect(folder.closed).to.equal(true);
    await clock.advance(1000);
    expect(reported).to.deep.equal([]);
    expect(clock.sleeping).to.equal(0);
  });
});
