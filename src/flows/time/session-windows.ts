import type { TimeWindow } from './time-window.js';

/**
 * Where a record goes among the open sessions of its group. `window` is the session holding it
 * afterwards; `merged` are the sessions it replaces (a session the record extended, or two or more
 * the record bridged), none equal to `window`: fold their accumulators into `window`'s and delete
 * their state. `merged` is empty when the record started a new session or fell inside one without
 * growing it.
 */
export interface SessionAssignment {
  readonly window: TimeWindow;
  readonly merged: readonly TimeWindow[];
}

/**
 * Assigns a record at `instant` to a session of gap `gapMs` among `sessions`, the group's open
 * sessions (disjoint). A record alone spans `[instant, instant + gap)`; sessions that overlap merge,
 * so a session runs from its first record to its last plus the gap, and two records are in one
 * session when a chain of records less than `gap` apart links them. The result depends only on the
 * set of records, not their order of arrival.
 *
 * Lateness is judged on the assigned window (judgeRecord([assignment.window], ...)): when it has
 * closed, the record is LATE_RECORD and the assignment is not applied. Sessions already emitted are
 * no longer in `sessions`, so a record that would have extended one of them, arriving after it
 * closed yet less than a gap before its end, starts a new session beside it rather than being late;
 * telling those apart needs the spans of emitted sessions kept until the watermark passes end + gap.
 */
export function assignSession(sessions: readonly TimeWindow[], instant: number, gapMs: number): SessionAssignment {
  let start = instant;
  let end = instant + gapMs;
  const overlapping = sessions.filter((session) => session.start < end && instant < session.end);
  for (const session of overlapping) {
    start = Math.min(start, session.start);
    end = Math.max(end, session.end);
  }
  const merged = overlapping.filter((session) => session.start !== start || session.end !== end);
  return { window: { start, end }, merged };
}

/** The open sessions after an assignment: the merged ones replaced by its window, ordered by start. */
export function applySessionAssignment(sessions: readonly TimeWindow[], assignment: SessionAssignment): TimeWindow[] {
  const { window, merged } = assignment;
  const kept = sessions.filter(
    (session) =>
      !merged.some((gone) => gone.start === session.start && gone.end === session.end) &&
      !(session.start === window.start && session.end === window.end),
  );
  return [...kept, window].sort((a, b) => a.start - b.start);
}
