/** A small deterministic PRNG (mulberry32), so a failing mutation can be reproduced from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOISE = [
  '',
  ' ',
  '\t',
  ':',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '#',
  '&a',
  '*a',
  '<<: *a',
  '${UNSET}',
  '$',
  '$segmnt(',
  '!!binary',
  '|',
  '>',
  '\u0000',
  '粤B',
  '\uD83D\uDE00',
  'null',
  '~',
  '-1',
  '1e309',
  'true',
  '0x1F',
  '...',
  '---',
  '%YAML 1.2',
  '\\',
  '&',
  'a'.repeat(5000),
];

/**
 * The text with 1-4 edits of the kinds people and tools make: lines deleted, duplicated or swapped,
 * indentation changed, characters and YAML syntax inserted, tokens replaced, the end cut off.
 */
export function mutatedText(text: string, seed: number): string {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  let lines = text.split('\n');
  const edits = 1 + Math.floor(next() * 4);
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(next() * Math.max(lines.length, 1));
    switch (Math.floor(next() * 8)) {
      case 0:
        lines.splice(at, 1);
        break;
      case 1:
        lines.splice(at, 0, lines[at] ?? '');
        break;
      case 2: {
        const other = Math.floor(next() * lines.length);
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
        break;
      }
      case 3:
        lines[at] = (next() < 0.5 ? '  ' : '') + (lines[at] ?? '').replace(/^ {1,2}/, '');
        break;
      case 4: {
        const line = lines[at] ?? '';
        const position = Math.floor(next() * (line.length + 1));
        lines[at] = line.slice(0, position) + pick(NOISE) + line.slice(position);
        break;
      }
      case 5: {
        const words = (lines[at] ?? '').split(/(\s+)/);
        if (words.length > 0) words[Math.floor(next() * words.length)] = pick(NOISE);
        lines[at] = words.join('');
        break;
      }
      case 6:
        lines = lines.slice(0, at);
        break;
      default: {
        const line = lines[at] ?? '';
        const position = Math.floor(next() * (line.length + 1));
        lines[at] = line.slice(0, position) + line.slice(position + 1 + Math.floor(next() * 5));
      }
    }
  }
  return lines.join('\n');
}
