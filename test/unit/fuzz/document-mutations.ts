import { random } from './text-mutations.js';

type Container = Record<string, unknown> | unknown[];

interface Slot {
  parent: Container;
  key: string | number;
  value: unknown;
}

/** Values that trip up code expecting a plain field name, a positive number or a flag. */
const ODD_SCALARS: readonly unknown[] = [null, '', 0, -1, 1e9, 0.5, true, 'x', '$', 'status', 'meta.eventId'];

function slots(value: unknown, into: Slot[] = []): Slot[] {
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, key) => [key, item])
    : value && typeof value === 'object'
      ? Object.entries(value)
      : [];
  for (const [key, item] of entries) {
    into.push({ parent: value as Container, key, value: item });
    slots(item, into);
  }
  return into;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/**
 * A copy of a parsed YAML document with 1-3 edits that keep it a well-formed document, so that
 * most of what follows reaches the flow compiler's own checks and many still compile: a list item
 * removed, duplicated or moved, a key removed, a scalar swapped for another scalar of the document
 * or for an odd one.
 */
export function mutatedDocument(document: unknown, seed: number): unknown {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const copy = structuredClone(document);
  const edits = 1 + Math.floor(next() * 3);
  for (let edit = 0; edit < edits; edit++) {
    const all = slots(copy);
    if (all.length === 0) break;
    const listed = all.filter((slot) => Array.isArray(slot.parent));
    const keyed = all.filter((slot) => !Array.isArray(slot.parent));
    const scalars = all.filter((slot) => isScalar(slot.value));
    switch (Math.floor(next() * 5)) {
      case 0: {
        if (listed.length === 0) break;
        const { parent, key } = pick(listed);
        (parent as unknown[]).splice(key as number, 1);
        break;
      }
      case 1: {
        if (listed.length === 0) break;
        const { parent, key, value } = pick(listed);
        (parent as unknown[]).splice(key as number, 0, structuredClone(value));
        break;
      }
      case 2: {
        if (listed.length === 0) break;
        const { parent, key } = pick(listed);
        const list = parent as unknown[];
        const other = Math.floor(next() * list.length);
        [list[key as number], list[other]] = [list[other], list[key as number]];
        break;
      }
      case 3: {
        if (keyed.length === 0) break;
        const { parent, key } = pick(keyed);
        delete (parent as Record<string, unknown>)[key];
        break;
      }
      default: {
        if (scalars.length === 0) break;
        const { parent, key } = pick(scalars);
        const replacement = next() < 0.5 ? pick(scalars).value : pick(ODD_SCALARS);
        (parent as Record<string | number, unknown>)[key] = replacement;
      }
    }
  }
  return copy;
}
