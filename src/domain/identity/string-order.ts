/**
 * Plain code-unit order of two strings, for sorts whose result must not depend on the locale (a
 * golden id or a member key sorts the same on every machine, so replays agree).
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
