/**
 * The known names most likely meant by a mistyped one, best first: for "did you mean" hints.
 * Compared case-insensitively by edit distance, a name without dots also against the last component
 * of each known name, so `Custmer`, `crmhub.customer.customer` and `crmhub.custome.Customer` all
 * find `crmhub.customer.Customer`.
 */
export function closestNames(wanted: string, known: Iterable<string>, limit = 3): string[] {
  const target = wanted.toLowerCase();
  // A name typed without a namespace is compared with the last component of each known name too.
  const shortOnly = !target.includes('.');
  const scored: { name: string; distance: number }[] = [];
  for (const name of known) {
    const candidate = name.toLowerCase();
    const distance = shortOnly
      ? Math.min(editDistance(target, candidate), editDistance(target, lastComponent(candidate)))
      : editDistance(target, candidate);
    if (distance <= Math.max(2, Math.floor(target.length / 3))) scored.push({ name, distance });
  }
  return scored
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}

function lastComponent(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Levenshtein distance, with one row kept at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
