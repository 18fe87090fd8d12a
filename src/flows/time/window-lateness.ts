import type { TimeWindow } from './time-window.js';

/**
 * How a record stands with one of its windows, by the watermark: `on-time` before the window's end,
 * `within-grace` from its end until end + grace (it still counts: an update with `emit: every`,
 * counted into the final with `emit: final`), `late` once the window has closed (it was emitted and
 * its state is gone: the record is a dead letter LATE_RECORD naming the window).
 */
export type WindowTiming = 'on-time' | 'within-grace' | 'late';

/** The event-time instant at which `window` closes: no record can change it once the watermark reaches it. */
export function windowClosesAt(window: TimeWindow, graceMs: number): number {
  return window.end + graceMs;
}

/** Whether `window` has closed at `watermark` (undefined: no watermark yet, nothing has closed). */
export function isWindowClosed(window: TimeWindow, watermark: number | undefined, graceMs: number): boolean {
  return watermark !== undefined && watermark >= windowClosesAt(window, graceMs);
}

/** How a record in `window` stands at `watermark`. */
export function judgeWindow(window: TimeWindow, watermark: number | undefined, graceMs: number): WindowTiming {
  if (watermark === undefined || watermark < window.end) return 'on-time';
  return isWindowClosed(window, watermark, graceMs) ? 'late' : 'within-grace';
}

/**
 * The verdict on a record over all its windows (one for tumbling and session windows, several for
 * hopping ones, which may be closed for the earliest and open for the latest): `timing` is the
 * worst of them, `open` the windows the record still counts in, `late` those it missed.
 */
export interface RecordVerdict {
  readonly timing: WindowTiming;
  readonly open: readonly TimeWindow[];
  readonly late: readonly TimeWindow[];
}

const RANK: Readonly<Record<WindowTiming, number>> = { 'on-time': 0, 'within-grace': 1, late: 2 };

/** Judges a record whose windows are `windows` at `watermark`. */
export function judgeRecord(windows: readonly TimeWindow[], watermark: number | undefined, graceMs: number): RecordVerdict {
  let timing: WindowTiming = 'on-time';
  const open: TimeWindow[] = [];
  const late: TimeWindow[] = [];
  for (const window of windows) {
    const windowTiming = judgeWindow(window, watermark, graceMs);
    if (RANK[windowTiming] > RANK[timing]) timing = windowTiming;
    (windowTiming === 'late' ? late : open).push(window);
  }
  return { timing, open, late };
}
