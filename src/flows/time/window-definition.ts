import { formatDuration, parseDuration } from '../../core/duration.js';
import { ConfigError } from '../../core/hub-error.js';

/** The `window:` option of a step as written in a flow file. */
export type WindowConfig = { tumbling: string; zone?: string } | { hopping: string; advance: string; zone?: string } | { session: string };

/** A window option read once at compile time, in milliseconds. */
export type WindowDefinition =
  | { readonly kind: 'tumbling'; readonly sizeMs: number; readonly offsetMs?: number }
  | { readonly kind: 'hopping'; readonly sizeMs: number; readonly advanceMs: number; readonly offsetMs?: number }
  | { readonly kind: 'session'; readonly gapMs: number };

/** The offset of a `zone` in ms east of UTC. */
function zoneOffset(zone: string | undefined, name: string): number {
  if (zone === undefined || zone === 'Z') return 0;
  const match = /^([+-])(0\d|1[0-4]):([0-5]\d)$/.exec(zone);
  if (!match)
    throw new ConfigError('WINDOW_INVALID', `${name}.zone ${JSON.stringify(zone)} is not a UTC offset like +08:00 (or Z for UTC)`);
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3_600_000 + Number(match[3]) * 60_000);
}

function positiveDuration(text: string, name: string): number {
  const ms = parseDuration(text, name);
  if (ms === 0) throw new ConfigError('WINDOW_INVALID', `${name} must be longer than 0`);
  return ms;
}

/**
 * Reads a window option: `{ tumbling: 1d }`, `{ hopping: 1h, advance: 5m }` or `{ session: 30m }`;
 * tumbling and hopping windows may name a `zone` (a fixed UTC offset) to align to instead of UTC.
 * `name` is the option's path for messages (e.g. `steps[0].aggregate.window`). Throws ConfigError
 * DURATION_INVALID for a duration that is not one, WINDOW_INVALID for a zero size or an advance
 * longer than the window (which would leave instants in no window).
 */
export function parseWindowDefinition(config: WindowConfig, name: string): WindowDefinition {
  if ('tumbling' in config) {
    const offsetMs = zoneOffset(config.zone, name);
    return { kind: 'tumbling', sizeMs: positiveDuration(config.tumbling, `${name}.tumbling`), ...(offsetMs ? { offsetMs } : {}) };
  }
  if ('session' in config) return { kind: 'session', gapMs: positiveDuration(config.session, `${name}.session`) };
  const sizeMs = positiveDuration(config.hopping, `${name}.hopping`);
  const advanceMs = positiveDuration(config.advance, `${name}.advance`);
  if (advanceMs > sizeMs) {
    throw new ConfigError(
      'WINDOW_INVALID',
      `${name}.advance ${formatDuration(advanceMs)} is longer than the window (${formatDuration(sizeMs)}): records between windows would count nowhere`,
    );
  }
  const offsetMs = zoneOffset(config.zone, name);
  return { kind: 'hopping', sizeMs, advanceMs, ...(offsetMs ? { offsetMs } : {}) };
}
