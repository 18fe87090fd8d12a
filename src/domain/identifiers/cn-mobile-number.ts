/**
 * Whether a value is a mainland China mobile number: 11 digits starting 13-19 (`13812345678`),
 * or the same in E.164 form (`+8613812345678`). Numbers are expected without spaces or dashes, as
 * the canonical schemas keep them.
 */
export function isCnMobileNumber(value: unknown): boolean {
  return typeof value === 'string' && /^(\+86)?1[3-9]\d{9}$/.test(value);
}
