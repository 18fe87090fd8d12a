import type { FolderWatch } from '../../src/flows/flow-folder-watcher.js';

/** Folder events a test makes up, in place of fs.watch: `changed` tells the watcher those names changed. */
export class ScriptedFolder {
  dir: string | undefined;
  closed = false;
  private onName: ((name: string) => void) | undefined;

  readonly watch: FolderWatch = (dir, onName) => {
    this.dir = dir;
    this.onName = onName;
    return { close: () => (this.closed = true) };
  };

  changed(...names: string[]): void {
    if (!this.onName) throw new Error('nothing watches this folder');
    for (const name of names) this.onName(name);
  }
}
