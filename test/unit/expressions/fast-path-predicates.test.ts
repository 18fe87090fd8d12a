import { expect } from 'chai';
import fc from 'fast-check';
import { compileExpression } from '../../../src/expressions/expression-compiler.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';

/*
 * Path predicates (`phones[primary][0].number`, `addresses[type = "HOME"]`) and $count on the fast
 * path must give exactly what jsonata gives. Predicates are where JSONata is most surprising — a
 * number keeps the item at that position, an array of numbers keeps items once per match, a
 * predicate applies per input of its step rather than to the whole sequence — so expressions and
 * records are generated with those cases on purpose: lists of records holding lists, nested
 * arrays, missing and null fields, numbers and booleans where a predicate reads them.
 */

const NAMES = ['a', 'b', 'primary', 'type', 'n'] as const;

const scalar = fc.oneof(
  fc.constantFrom('', 'HOME', 'WORK', '12', ' '),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, 1.5, -1.5, 2.9),
  fc.boolean(),
  fc.constant(null),
);

const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, tie('record'), tie('list')),
  record: fc.dictionary(fc.constantFrom(...NAMES), tie('value'), { maxKeys: 4 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
}));

// Lists of records, as canonical records hold them (phones, addresses), with lists inside.
const item = fc.record(
  {
    type: fc.oneof(scalar, fc.constantFrom('HOME', 'WORK')),
    primary: fc.oneof(fc.boolean(), scalar),
    n: fc.oneof(scalar, fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 })),
    b: fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar),
  },
  { requiredKeys: [] },
);
const listOfRecords = fc.array(item, { maxLength: 4 });

const inputRecord = fc.oneof(
  fc.dictionary(fc.constantFrom(...NAMES), jsonValue, { maxKeys: 4 }),
  fc.record({ a: listOfRecords, b: fc.oneof(listOfRecords, item), n: jsonValue }, { requiredKeys: [] }),
  fc.record(
    {
      a: fc.array(fc.record({ a: listOfRecords, type: scalar }, { requiredKeys: [] }), { maxLength: 3 }),
      b: fc.array(listOfRecords, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
);

const literal = fc.constantFrom('"HOME"', '""', '"12"', 'true', 'false', 'null', '0', '1', '2', '-1', '1.5');

const { expression } = fc.letrec((tie) => {
  const sub = tie('expression') as fc.Arbitrary<string>;
  const stage = fc.oneof(
    fc.constantFrom('[0]', '[1]', '[-1]', '[2]', '[1.5]', '[-0.5]', '[7]'),
    fc.constantFrom(...NAMES).map((name) => `[${name}]`),
    fc
      .tuple(fc.constantFrom(...NAMES), fc.constantFrom('=', '!=', '>'), literal)
      .map(([name, operator, value]) => `[${name} ${operator} ${value}]`),
    sub.map((predicate) => `[${predicate}]`),
  );
  const step = fc.tuple(fc.constantFrom(...NAMES), fc.array(stage, { maxLength: 2 })).map(([name, stages]) => `${name}${stages.join('')}`);
  return {
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.array(step, { minLength: 1, maxLength: 3 }).map((steps) => steps.join('.')),
      literal,
      sub.map((argument) => `$count(${argument})`),
      fc
        .tuple(sub, fc.constantFrom('=', '!=', '<', 'and', 'or', '+', '&'), sub)
        .map(([left, operator, right]) => `(${left} ${operator} ${right})`),
      fc.tuple(sub, sub).map(([condition, then]) => `(${condition} ? ${then} : "none")`),
      sub.map((argument) => `$exists(${argument})`),
      fc
        .uniqueArray(fc.tuple(fc.constantFrom('k', 'name'), sub), { selector: ([key]) => key, minLength: 1, maxLength: 2 })
        .map((pairs) => `{${pairs.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')}}`),
    ),
  };
});

type Outcome = { value: unknown } | { error: string };

async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    return { value: await run() };
  } catch (error) {
    const fields = error as { jsonataCode?: unknown; code?: unknown };
    return { error: String(fields.jsonataCode ?? fields.code) };
  }
}

/** Equal as JSONata values: numbers by Object.is, arrays by items (sequence markers aside), objects by own keys (prototype aside). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((entry, index) => sameValue(entry, b[index]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
    );
  }
  return a === b;
}

async function expectAgreement(text: string, input: unknown): Promise<void> {
  const fast = compileExpression(text);
  const reference = compileExpression(text, { fastPath: false });
  if (!fast.ok || !reference.ok) throw new Error(`${text} did not compile`);
  expect(fast.expression.compiled, text).to.equal(true);
  const [mine, theirs] = await Promise.all([
    outcome(() => fast.expression.evaluate(input)),
    outcome(() => reference.expression.evaluate(input)),
  ]);
  if ('error' in theirs || 'error' in mine) expect(mine, `${text} on ${JSON.stringify(input)}`).to.deep.equal(theirs);
  else
    expect(
      sameValue(mine.value, theirs.value),
      `${text} on ${JSON.stringify(input)}: ${JSON.stringify(mine.value)} vs ${JSON.stringify(theirs.value)}`,
    ).to.equal(true);
}

describe('fast path predicates and $count agree with jsonata', () => {
  it('gives the same value or error as jsonata for generated paths with predicates', async function () {
    // jsonata evaluates every case too, which takes a few seconds on a busy machine.
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(expression, inputRecord, (text, input) => expectAgreement(text, input)),
      { numRuns: 2000, seed: 20261123 },
    );
  });

  it('answers the warehouse mapping of a customer itself, synchronously', async () => {
    const customer: Record<string, unknown> = {
      ...sampleCustomer(),
      phones: [
        { type: 'MOBILE', number: '13812345678', primary: true },
        { type: 'WORK', number: '0755-86001234', primary: false },
      ],
    };
    const cases: [string, unknown][] = [
      ['phones[primary][0].number', '13812345678'],
      ['phones[primary = false].number', '0755-86001234'],
      ['phones[-1].type', 'WORK'],
      ['phones[type = "MOBILE" or type = "WORK"].number', ['13812345678', '0755-86001234']],
      ['addresses[type = "HOME"][0].province', (customer.addresses as { province: string }[])[0]!.province],
      ['addresses[type = "OFFICE"][0].province', undefined],
      ['$count(phones)', 2],
      ['$count(phones[primary])', 1],
      ['$count(nickname)', 0],
    ];
    for (const [text, expected] of cases) {
      const compiled = compileExpression(text);
      if (!compiled.ok) throw new Error(`${text} did not compile`);
      expect(compiled.expression.compiled, text).to.equal(true);
      const value = compiled.expression.evaluate(customer);
      expect(value, text).not.to.be.instanceOf(Promise);
      expect(value, text).to.deep.equal(expected);
      await expectAgreement(text, customer);
    }
  });

  it('hands the cases whose jsonata semantics it does not model to jsonata, which answers them', async () => {
    // A missing value a predicate keeps stays a member of jsonata's sequence; nested arrays are kept whole by a position.
    for (const [text, input] of [
      ['a.b[true]', { a: [{ b: 1 }, {}] }],
      ['$count(a.b[true])', { a: [{ b: 1 }, {}] }],
      ['a[0]', { a: [[1, 2], [3]] }],
      ['a[$count(b) > 1]', { a: [[1, 2], [3]] }],
    ] as const) {
      await expectAgreement(text, input);
    }
  });
});
