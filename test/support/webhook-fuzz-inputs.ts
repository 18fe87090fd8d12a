import fc from 'fast-check';

/**
 * Bad webhook requests built from a valid body: what a buggy sender, a proxy that mangles bodies,
 * or an attacker would send. A plan is drawn by fast-check (so a fixed seed gives the same list
 * every run) and applied to a base body; the bytes are built only then, so that plans stay small
 * even when they ask for half a megabyte.
 */

export type SignatureMode = 'valid' | 'missing' | 'wrong';

type Mutation =
  | { kind: 'remove'; at: number }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'huge-string'; at: number; length: number; unit: string }
  | { kind: 'deep-nesting'; at: number; depth: number; shape: 'array' | 'object' }
  | { kind: 'unicode'; at: number; text: string }
  | { kind: 'add-field'; at: number; name: string; value: unknown };

type Corruption =
  | { kind: 'none' }
  | { kind: 'truncate'; fraction: number }
  | { kind: 'insert-bytes'; fraction: number; bytes: number[] }
  | { kind: 'random-bytes'; bytes: number[] }
  | { kind: 'utf16' }
  | { kind: 'bom' }
  | { kind: 'not-an-object'; value: unknown };

export interface WebhookFuzzPlan {
  mutations: Mutation[];
  corruption: Corruption;
  /** undefined: no Content-Type header at all. */
  contentType: string | undefined;
  /** A Content-Encoding the body does not really have (garbage for a decoder), or none. */
  contentEncoding: string | undefined;
  signature: SignatureMode;
}

export interface WebhookFuzzInput {
  /** What was done, short enough for a failure message: `retype customer.addr; truncate`. */
  description: string;
  body: Buffer;
  headers: Record<string, string>;
  signature: SignatureMode;
}

// Strings that broke parsers, loggers, templates and databases before.
const NASTY_STRINGS = [
  '\ud800',
  '\udfff',
  '\u0000',
  '\u202eevil',
  'e\u0301',
  '\ufeff',
  '\u2028\u2029',
  '𝕳𝖊𝖑𝖑𝖔',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗̻̳',
  "'; DROP TABLE customers; --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${CRM_HUB_PORT}',
  '$(id)',
  '../../../etc/passwd',
  '%00',
  '\\',
  '"',
  '粤B·12345',
  '张伟\u0000王芳',
  ' ',
  '',
];

const ANY_JSON = fc.jsonValue({ maxDepth: 3 });
const RETYPED = fc.oneof(fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, '', 'text', [], {}, [1, 'a'], { x: 1 }), ANY_JSON);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: RETYPED }),
  fc.record({
    kind: fc.constant('huge-string' as const),
    at: fc.nat(),
    length: fc.oneof(fc.integer({ min: 1000, max: 20_000 }), fc.integer({ min: 100_000, max: 450_000 })),
    unit: fc.constantFrom('x', '字', '😀', '\u0000', '"', '\\', 'ab c'),
  }),
  fc.record({
    kind: fc.constant('deep-nesting' as const),
    at: fc.nat(),
    depth: fc.oneof(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 5_000, max: 60_000 })),
    shape: fc.constantFrom('array' as const, 'object' as const),
  }),
  fc.record({
    kind: fc.constant('unicode' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: 'binary', maxLength: 40 })),
  }),
  fc.record({
    kind: fc.constant('add-field' as const),
    at: fc.nat(),
    name: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''),
    ),
    value: ANY_JSON,
  }),
);

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  { weight: 14, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 0.999, noNaN: true }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insert-bytes' as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('random-bytes' as const),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'utf16' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('not-an-object' as const),
      value: fc.oneof(fc.constantFrom<unknown>(null, [], 0, '', 'text', true), fc.array(ANY_JSON, { maxLength: 3 })),
    }),
  },
);

/** The plans, most of them signed and with JSON content types, so that the body checks are reached. */
export const webhookFuzzPlan: fc.Arbitrary<WebhookFuzzPlan> = fc.record({
  mutations: fc.array(mutation, { maxLength: 3 }),
  corruption,
  contentType: fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    {
      weight: 4,
      arbitrary: fc.constantFrom<string | undefined>(
        undefined,
        'application/json; charset=utf-8',
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'application/json; charset=utf-16',
        'image/png',
      ),
    },
  ),
  contentEncoding: fc.oneof(
    { weight: 30, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown') },
  ),
  signature: fc.oneof(
    { weight: 18, arbitrary: fc.constant('valid' as const) },
    { weight: 1, arbitrary: fc.constant('missing' as const) },
    { weight: 1, arbitrary: fc.constant('wrong' as const) },
  ),
});

type PathStep = string | number;

/** Every place in the value a mutation can hit: the root, each field and each array item. */
function pathsOf(value: unknown, base: PathStep[] = [], found: PathStep[][] = []): PathStep[][] {
  found.push(base);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...base, index], found));
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...base, key], found);
  return found;
}

function parentOf(root: unknown, path: PathStep[]): Record<PathStep, unknown> | undefined {
  let current = root;
  for (const step of path.slice(0, -1)) current = (current as Record<PathStep, unknown>)[step];
  return typeof current === 'object' && current !== null ? (current as Record<PathStep, unknown>) : undefined;
}

/**
 * Applies a plan to a copy of `base`. Fields named in `stringsKept` (the event id) are never given
 * new text, only removed or retyped: the test tracks events by that id, and a lone surrogate in it
 * would not survive the trip to Kafka unchanged.
 */
export function webhookFuzzInput(
  plan: WebhookFuzzPlan,
  base: Record<string, unknown>,
  stringsKept: readonly string[] = [],
): WebhookFuzzInput {
  const value: { root: unknown } = { root: structuredClone(base) };
  const notes: string[] = [];
  const nests: string[] = [];
  for (const mutation of plan.mutations) {
    const paths = pathsOf(value.root);
    const path = paths[mutation.at % paths.length]!;
    const name = path.length === 0 ? '(root)' : path.join('.');
    const kept = path.length === 1 && stringsKept.includes(String(path[0]));
    const set = (replacement: unknown) => {
      if (path.length === 0) value.root = replacement;
      else parentOf(value.root, path)![path.at(-1)!] = replacement;
    };
    switch (mutation.kind) {
      case 'remove': {
        if (path.length === 0) continue;
        const parent = parentOf(value.root, path)!;
        if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1);
        else delete parent[path.at(-1)!];
        break;
      }
      case 'retype':
        set(kept && typeof mutation.value === 'string' ? 42 : mutation.value);
        break;
      case 'huge-string':
        set(kept ? 42 : mutation.unit.repeat(Math.ceil(mutation.length / mutation.unit.length)));
        break;
      case 'deep-nesting': {
        const placeholder = `__deep_nesting_${nests.length}__`;
        const depth = mutation.depth;
        nests.push(
          mutation.shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}null${'}'.repeat(depth)}`,
        );
        set(kept ? 42 : placeholder);
        break;
      }
      case 'unicode':
        set(kept ? 42 : mutation.text);
        break;
      case 'add-field': {
        const target = path.length === 0 ? value.root : parentOf(value.root, path)?.[path.at(-1)!];
        if (typeof target !== 'object' || target === null || Array.isArray(target)) continue;
        Object.defineProperty(target, mutation.name, { value: mutation.value, enumerable: true, configurable: true, writable: true });
        break;
      }
    }
    notes.push(
      `${mutation.kind}${mutation.kind === 'huge-string' ? `(${mutation.length})` : mutation.kind === 'deep-nesting' ? `(${mutation.depth})` : ''} ${name}`,
    );
  }
  let text = JSON.stringify(value.root);
  nests.forEach((nest, index) => (text = text.replace(`"__deep_nesting_${index}__"`, nest)));
  let body = Buffer.from(text, 'utf8');
  const corrupted = plan.corruption;
  switch (corrupted.kind) {
    case 'truncate':
      body = body.subarray(0, Math.floor(body.length * corrupted.fraction));
      break;
    case 'insert-bytes': {
      const at = Math.floor(body.length * corrupted.fraction);
      body = Buffer.concat([body.subarray(0, at), Buffer.from(corrupted.bytes), body.subarray(at)]);
      break;
    }
    case 'random-bytes':
      body = Buffer.from(corrupted.bytes);
      break;
    case 'utf16':
      body = Buffer.from(text, 'utf16le');
      break;
    case 'bom':
      body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
      break;
    case 'not-an-object':
      body = Buffer.from(JSON.stringify(corrupted.value), 'utf8');
      break;
    case 'none':
      break;
  }
  if (corrupted.kind !== 'none') notes.push(corrupted.kind);
  const headers: Record<string, string> = {};
  if (plan.contentType !== undefined) headers['content-type'] = plan.contentType;
  if (plan.contentEncoding !== undefined) headers['content-encoding'] = plan.contentEncoding;
  if (plan.contentType !== 'application/json') notes.push(`content-type ${plan.contentType ?? 'none'}`);
  if (plan.contentEncoding !== undefined) notes.push(`content-encoding ${plan.contentEncoding}`);
  if (plan.signature !== 'valid') notes.push(`signature ${plan.signature}`);
  return { description: notes.join('; ') || 'valid', body, headers, signature: plan.signature };
}
