/**
 * The values at a dotted field path (`phones.number`, also written `phones[].number`), one per
 * array item on the way, each with the concrete path (`phones[1].number`) for messages. A path that
 * runs into a missing value yields that path with undefined, so "is required" rules can name it.
 */
export function valuesAtPath(root: unknown, segments: readonly string[]): { path: string; value: unknown }[] {
  const found: { path: string; value: unknown }[] = [];
  const walk = (value: unknown, index: number, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, position) => walk(item, index, `${path}[${position}]`));
      return;
    }
    if (index === segments.length) {
      found.push({ path, value });
      return;
    }
    const name = segments[index] as string;
    const next = path === '' ? name : `${path}.${name}`;
    if (typeof value !== 'object' || value === null) {
      found.push({ path: [next, ...segments.slice(index + 1)].join('.'), value: undefined });
      return;
    }
    walk(Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined, index + 1, next);
  };
  walk(root, 0, '');
  return found;
}

/** `phones[].number` → ['phones', 'number']. */
export function fieldPathSegments(path: string): string[] {
  return path.split('.').map((segment) => segment.replace(/\[\]$/, ''));
}
