/** What a benchmark and its state-restore process (state-restore-process.ts) say to each other. */

export interface StateRestoreSettings {
  brokers: string[];
  topic: string;
  inputTopic: string;
}

export interface StateRestoreCommand {
  partitions: number[];
}

export interface StateRestoreResult {
  seconds: number;
  keys: number;
  timers: number;
  bytes: number;
  /** RSS and heap after garbage collection, before the restore and once restored. */
  rssBeforeMiB: number;
  rssRestoredMiB: number;
  heapBeforeMiB: number;
  heapRestoredMiB: number;
}

export const STATE_RESTORE_ENV = 'CRM_HUB_BENCH_STATE_RESTORE';
