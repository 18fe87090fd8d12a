import type { DeadLetterEntry } from './dead-letter-entry.js';
import { compareOldestFirst } from './dead-letter-page.js';

/**
 * A failing record as operators see it: the latest attempt of one dead letter (what a replay sends
 * and what the reason describes), with how many times it has failed. However often it is replayed
 * and fails again, it is listed, counted and replayed once.
 */
export interface LatestAttempt extends DeadLetterEntry {
  /** Times it failed: its first failure and each failure after a replay (at least the records kept of it). */
  attempts: number;
  /** When it failed first, as far as the records kept show (ISO). */
  firstFailedAt: string;
}

/** The records of the dead-letter topics grouped by dead letter (their identity), each as its latest attempt. */
export function latestAttempts(entries: Iterable<DeadLetterEntry>): LatestAttempt[] {
  const groups = new Map<string, { latest: DeadLetterEntry; count: number; first: DeadLetterEntry }>();
  for (const entry of entries) {
    const group = groups.get(entry.identity);
    if (!group) {
      groups.set(entry.identity, { latest: entry, count: 1, first: entry });
      continue;
    }
    group.count++;
    if (isLater(entry, group.latest)) group.latest = entry;
    if (compareOldestFirst(entry, group.first) < 0) group.first = entry;
  }
  // Retention may have removed earlier attempts: the attempt header still counts them.
  return [...groups.values()].map(({ latest, count, first }) => ({
    ...latest,
    attempts: Math.max(count, latest.attempt),
    firstFailedAt: first.reason.failedAt,
  }));
}

function isLater(a: DeadLetterEntry, b: DeadLetterEntry): boolean {
  return a.attempt !== b.attempt ? a.attempt > b.attempt : compareOldestFirst(a, b) > 0;
}
