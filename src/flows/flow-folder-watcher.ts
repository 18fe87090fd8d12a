import fs from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { isFlowFileName } from './flow-file-loader.js';

/** Watches a folder and tells each name that changed in it (written, created, renamed from or to, removed) until closed. */
export type FolderWatch = (dir: string, onName: (name: string) => void) => { close(): void };

const nodeFolderWatch: FolderWatch = (dir, onName) =>
  fs.watch(dir, (_event, name) => {
    if (name) onName(name.toString());
  });

export interface FlowFolderWatchOptions {
  /** How long a file must be left alone before it is reported; 300 ms when absent. */
  settleMs?: number;
  clock?: Clock;
  /** `fs.watch` when absent; tests pass their own. */
  watchFolder?: FolderWatch;
}

/**
 * Reports each flow file (`*.yaml` but `*.test.yaml`) of a folder that was written, added or
 * removed — a rename reports both names — once it has been left alone for a while: editors write a
 * file in several steps, and compiling the first half of one would report issues it does not have.
 * Whether the file is still there is for the listener to find out when it gets to it.
 */
export class FlowFolderWatcher {
  private readonly settling = new Map<string, AbortController>();
  private readonly watching: { close(): void };
  private readonly settleMs: number;
  private readonly clock: Clock;

  constructor(
    dir: string,
    private readonly onSettled: (file: string) => void,
    options: FlowFolderWatchOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 300;
    this.clock = options.clock ?? systemClock;
    this.watching = (options.watchFolder ?? nodeFolderWatch)(dir, (name) => {
      if (isFlowFileName(name)) this.changed(path.join(dir, name));
    });
  }

  /** Stops watching; files still settling are not reported. */
  close(): void {
    this.watching.close();
    for (const settling of this.settling.values()) settling.abort();
    this.settling.clear();
  }

  private changed(file: string): void {
    this.settling.get(file)?.abort();
    const settling = new AbortController();
    this.settling.set(file, settling);
    void this.clock.sleep(this.settleMs, settling.signal).then(() => {
      if (settling.signal.aborted) return;
      this.settling.delete(file);
      this.onSettled(file);
    });
  }
}
