import { HubError } from '../../core/hub-error.js';

/**
 * A window of event time: the instants `start <= t < end`, in milliseconds since the UTC epoch.
 * Half-open, so that the tumbling windows of one size tile time with no instant in two of them.
 */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** A window as people read it in messages and dead letters: the ISO 8601 interval `2026-03-01T00:00:00.000Z/2026-03-02T00:00:00.000Z`. */
export function windowName(window: TimeWindow): string {
  return `${new Date(window.start).toISOString()}/${new Date(window.end).toISOString()}`;
}

// The group key goes last: the interval before it has a fixed grammar without spaces, so any key,
// spaces and slashes included, reads back unambiguously.
const IDENTITY = /^(\S+)\/(\S+) ([\s\S]*)$/;

/**
 * The identity of one window of one group, stable across processes and restarts: the window's
 * interval and the group key (`2026-03-01T00:00:00.000Z/2026-03-02T00:00:00.000Z DLR-7`). State keys
 * and the ids of emitted records derive from it, so that a window emitted again after a crash
 * carries the same id and consumers can drop the repeat.
 */
export function windowIdentity(window: TimeWindow, groupKey: string): string {
  return `${windowName(window)} ${groupKey}`;
}

/** Thrown when a window identity read back (e.g. a state key) is not one windowIdentity wrote. */
export class WindowIdentityError extends HubError {
  constructor(identity: string) {
    super('WINDOW_IDENTITY_INVALID', `${JSON.stringify(identity)} is not a window identity (start/end group-key)`);
  }
}

/** The window and group key of an identity windowIdentity wrote. */
export function parseWindowIdentity(identity: string): { window: TimeWindow; groupKey: string } {
  const match = IDENTITY.exec(identity);
  const start = match ? Date.parse(match[1]!) : Number.NaN;
  const end = match ? Date.parse(match[2]!) : Number.NaN;
  if (!match || Number.isNaN(start) || Number.isNaN(end)) throw new WindowIdentityError(identity);
  return { window: { start, end }, groupKey: match[3]! };
}
