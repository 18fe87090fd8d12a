import { formatDuration, parseDuration } from '../../core/duration.js';
import { ConfigError } from '../../core/hub-error.js';

/** The `window:` option of a step as written in a flow file. */
export type WindowConfig = { tumbling: string } | { hopping: string; advance: string } | { session: string };

/** A window option read once at compile time, in milliseconds. */
export type WindowDefinition =
  | { readonly kind: 'tumbling'; readonly sizeMs: number }
  | { readonly kind: 'hopping'; readonly sizeMs: number; readonly advanceMs: number }
  | { readonly kind: 'session'; readonly gapMs: number };

function positiveDuration(text: string, name: string): number {
  const ms = parseDuration(text, name);
  if (ms === 0) throw new ConfigError('WINDOW_INVALID', `${name} must be longer than 0`);
  return ms;
}

/**
 * Reads a window option: `{ tumbling: 1d }`, `{ hopping: 1h, advance: 5m }` or `{ session: 30m }`.
 * `name` is the option's path for messages (e.g. `steps[0].aggregate.window`). Throws ConfigError
 * DURATION_INVALID for a duration that is not one, WINDOW_INVALID for a zero size or an advance
 * longer than the window (which would leave instants in no window).
 */
export function parseWindowDefinition(config: WindowConfig, name: string): WindowDefinition {
  if ('tumbling' in config) return { kind: 'tumbling', sizeMs: positiveDuration(config.tumbling, `${name}.tumbling`) };
  if ('session' in config) return { kind: 'session', gapMs: positiveDuration(config.session, `${name}.session`) };
  const sizeMs = positiveDuration(config.hopping, `${name}.hopping`);
  const advanceMs = positiveDuration(config.advance, `${name}.advance`);
  if (advanceMs > sizeMs) {
    throw new ConfigError(
      'WINDOW_INVALID',
      `${name}.advance ${formatDuration(advanceMs)} is longer than the window (${formatDuration(sizeMs)}): records between windows would count nowhere`,
    );
  }
  return { kind: 'hopping', sizeMs, advanceMs };
}
