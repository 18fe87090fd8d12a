import { ConfigError } from './hub-error.js';

/** The units a duration may be written in, smallest first. */
export const DURATION_UNITS = ['ms', 's', 'm', 'h', 'd'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

export const MS_PER_UNIT: Readonly<Record<DurationUnit, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

// One grammar for every duration people type (flow steps, API ages): a whole number of at most six
// digits and one unit, nothing else (no spaces, signs, fractions or compounds like 1h30m), so that
// what is accepted is easy to say in one sentence. Six digits keep every value a safe integer of
// ms and match the API's `^\d{1,6}[smhd]$` pattern; a longer number is better written in a larger unit.
const DURATION = /^(\d{1,6})(ms|s|m|h|d)$/;

const EXAMPLES: Readonly<Record<DurationUnit, string>> = { ms: '250ms', s: '30s', m: '30m', h: '2h', d: '1d' };

/** The sentence naming the accepted forms, for error messages and descriptions: `a whole number of up to 6 digits followed by s, m, h or d (30s, 30m, 2h, 1d)`. */
export function durationForms(units: readonly DurationUnit[] = DURATION_UNITS): string {
  const names = units.length > 1 ? `${units.slice(0, -1).join(', ')} or ${units.at(-1)}` : (units[0] ?? '');
  return `a whole number of up to 6 digits followed by ${names} (${units.map((unit) => EXAMPLES[unit]).join(', ')})`;
}

/** The milliseconds `text` stands for when it is a duration in one of `units`, else undefined. */
export function matchDuration(text: string, units: readonly DurationUnit[] = DURATION_UNITS): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const unit = match[2] as DurationUnit;
  return units.includes(unit) ? Number(match[1]) * MS_PER_UNIT[unit] : undefined;
}

/**
 * The milliseconds of a duration such as `250ms`, `30s`, `30m`, `2h` or `1d`. Throws ConfigError
 * DURATION_INVALID naming `name` (the option, e.g. `grace`) and the accepted forms otherwise.
 */
export function parseDuration(text: string, name: string, units: readonly DurationUnit[] = DURATION_UNITS): number {
  const ms = matchDuration(text, units);
  if (ms === undefined)
    throw new ConfigError('DURATION_INVALID', `${name} ${JSON.stringify(text)} is not a duration: give ${durationForms(units)}`);
  return ms;
}

/**
 * A duration in the largest unit that divides it exactly (`86400000` → `1d`, `90000` → `90s`), so
 * that messages show it as people would write it. Reads back with parseDuration whenever the number
 * fits the grammar's six digits. `ms` must be a non-negative safe integer.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (let i = DURATION_UNITS.length - 1; i > 0; i -= 1) {
    const unit = DURATION_UNITS[i]!;
    if (ms % MS_PER_UNIT[unit] === 0) return `${ms / MS_PER_UNIT[unit]}${unit}`;
  }
  return `${ms}ms`;
}
