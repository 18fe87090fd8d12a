// @ts-check
/* Numbers, times and API errors as the page shows them. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** @param {unknown} value */
export function count(value) {
  return typeof value === 'number' && Number.isFinite(value) ? integer.format(value) : '–';
}

/** @param {number} value */
export function oneDecimal(value) {
  return decimal.format(value);
}

/** @param {unknown} value */
export function perSecond(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  return `${value > 0 && value < 0.1 ? '<0.1' : decimal.format(value)} rec/s`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A size in bytes as people read it: `512 B`, `1.5 KiB`, `23.4 MiB` (powers of 1024).
 * @param {unknown} value
 */
export function bytes(value) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return '–';
  let unit = 0;
  let scaled = value;
  while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return unit === 0 ? `${integer.format(scaled)} B` : `${decimal.format(scaled)} ${BYTE_UNITS[unit]}`;
}

/**
 * @param {number | undefined} n
 * @param {string} one
 * @param {string} [many]
 */
export function plural(n, one, many = `${one}s`) {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** @param {string | null | undefined} iso */
export function when(iso) {
  if (!iso) return '–';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso);
  return at.toLocaleString('sv-SE', { hour12: false }).replace('T', ' ');
}

/** @param {string | undefined} iso */
export function ago(iso) {
  const ms = Date.now() - new Date(iso ?? NaN).getTime();
  if (!Number.isFinite(ms)) return '';
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} days ago`;
}

/** @param {unknown} ms */
export function duration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 120_000) return `${decimal.format(ms / 1000)} s`;
  if (Math.abs(ms) < 7_200_000) return `${decimal.format(ms / 60_000)} min`;
  return `${decimal.format(ms / 3_600_000)} h`;
}

/**
 * An API error as a sentence: the message first, the code for whoever searches the logs.
 * @param {{ code?: string, message?: string } | null | undefined} error
 */
export function inWords(error) {
  if (!error) return '';
  const message = error.message ? String(error.message) : 'failed';
  return error.code ? `${message} (${error.code})` : message;
}
