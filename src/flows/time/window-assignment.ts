import type { TimeWindow } from './time-window.js';
import type { WindowDefinition } from './window-definition.js';

// Windows are aligned to the UTC epoch: a 1d window runs from 00:00 UTC to 00:00 UTC, a 1h window
// starts on the hour — or, with a zone's offset, from 00:00 in that zone (a Beijing day is
// 16:00 to 16:00 UTC). Fixed offsets only: China keeps no daylight saving; calendars are issue 20's.

/** The one tumbling window of `sizeMs` holding `instant`: windows of one size tile time. */
export function tumblingWindowOf(instant: number, sizeMs: number): TimeWindow {
  const start = Math.floor(instant / sizeMs) * sizeMs;
  return { start, end: start + sizeMs };
}

/**
 * Every hopping window of `sizeMs`, starting every `advanceMs` since the epoch, that holds
 * `instant`, earliest first: size / advance of them (rounded down or up, by where the instant
 * falls, when the size is not a multiple of the advance). A record counts in each.
 */
export function hoppingWindowsOf(instant: number, sizeMs: number, advanceMs: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  // Window k is [k·advance, k·advance + size): it holds the instant when (instant - size) / advance < k <= instant / advance.
  const last = Math.floor(instant / advanceMs);
  for (let k = Math.floor((instant - sizeMs) / advanceMs) + 1; k <= last; k += 1) {
    windows.push({ start: k * advanceMs, end: k * advanceMs + sizeMs });
  }
  return windows;
}

/** The windows of a tumbling or hopping definition that hold `instant` (sessions depend on the other records: see session-windows.ts). */
export function fixedWindowsOf(definition: Exclude<WindowDefinition, { kind: 'session' }>, instant: number): TimeWindow[] {
  // Aligned in the zone: shift into its local time, assign, shift the windows back.
  const offset = definition.offsetMs ?? 0;
  const local =
    definition.kind === 'tumbling'
      ? [tumblingWindowOf(instant + offset, definition.sizeMs)]
      : hoppingWindowsOf(instant + offset, definition.sizeMs, definition.advanceMs);
  return offset === 0 ? local : local.map((window) => ({ start: window.start - offset, end: window.end - offset }));
}
