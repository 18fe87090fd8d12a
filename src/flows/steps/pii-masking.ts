/** What a personal value is replaced with. */
export const PII_MASK = '***';

/**
 * A copy of `value` with the values at `paths` (dotted, `[]` for array items, `{}` for map values:
 * the form of `catalog.piiPaths`) replaced by PII_MASK. Only what lies on a path is copied; the rest
 * is shared with the original, which is never changed.
 */
export function maskPaths(value: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  let masked: unknown = value;
  for (const path of paths) masked = maskAt(masked, parsePath(path), 0);
  return masked as Record<string, unknown>;
}

/**
 * A copy with every field named in `names` masked, at any depth: for values whose record is not
 * known, where the names of personal fields in every record are the best guide there is.
 */
export function maskFieldNames(value: unknown, names: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => maskFieldNames(item, names));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    copy[key] = names.has(key) && item !== null && item !== undefined ? PII_MASK : maskFieldNames(item, names);
  return copy;
}

type Segment = { field: string } | { each: 'items' | 'values' };

function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of path.split('.')) {
    const match = /^(.*?)((?:\[\]|\{\})*)$/.exec(part) as RegExpExecArray;
    segments.push({ field: match[1] as string });
    for (const marker of (match[2] as string).match(/\[\]|\{\}/g) ?? []) segments.push({ each: marker === '[]' ? 'items' : 'values' });
  }
  return segments;
}

function maskAt(value: unknown, segments: Segment[], index: number): unknown {
  if (value === null || value === undefined) return value;
  if (index === segments.length) return PII_MASK;
  const segment = segments[index] as Segment;
  if ('each' in segment) {
    if (segment.each === 'items') return Array.isArray(value) ? value.map((item) => maskAt(item, segments, index + 1)) : value;
    if (typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskAt(item, segments, index + 1)]));
  }
  if (typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, segment.field)) return value;
  return {
    ...(value as Record<string, unknown>),
    [segment.field]: maskAt((value as Record<string, unknown>)[segment.field], segments, index + 1),
  };
}
