import { expect } from 'chai';
import fc from 'fast-check';
import jsonata from 'jsonata';
import { compileExpression } from '../../../src/expressions/expression-compiler.js';
import { FastPathExit } from '../../../src/expressions/fast-path-exit.js';
import { compileFastPath } from '../../../src/expressions/fast-path-compiler.js';
import type { AstNode } from '../../../src/expressions/jsonata-ast.js';

/*
 * The fast path must give exactly what jsonata gives. Expressions of the compiled subset and input
 * records are generated at random — with the awkward cases on purpose: missing fields, nulls,
 * numbers in strings, arrays and nested arrays on paths, empty strings and objects — and every
 * answer (value or error code) of the fast path is compared with jsonata's.
 */

const NAMES = ['a', 'b', 'status', 'n'] as const;

// Values a record field may hold: every JSON kind, and strings that look like numbers.
const scalar = fc.oneof(
  fc.constantFrom('', 'ACTIVE', 'GOLD', '张伟', '12', '3860.50', '-7', '1e3', '0x1F', ' ', 'a b'),
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, 0.5, 1.5, 2.5, -2.5, 0.1, 2.675, 1e21, 123.456, 0.30000000000000004, 1 / 3, 1234.5678901234567, 1e-7),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.constant(null),
);

const { value: jsonValue } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, tie('record'), tie('list')),
  record: fc.dictionary(fc.constantFrom(...NAMES), tie('value'), { maxKeys: 4 }),
  list: fc.array(tie('value'), { maxLength: 3 }),
}));

// Records shaped like canonical ones (lists of records holding lists), where paths flatten.
const listOfRecords = fc.array(
  fc.record(
    {
      b: fc.oneof(fc.array(scalar, { maxLength: 2 }), scalar, fc.array(fc.array(scalar, { maxLength: 2 }), { maxLength: 2 })),
      status: scalar,
    },
    { requiredKeys: [] },
  ),
  { maxLength: 3 },
);

const inputRecord = fc.oneof(
  fc.dictionary(fc.constantFrom(...NAMES), jsonValue, { maxKeys: 4 }),
  fc.record({ a: listOfRecords, n: jsonValue, status: scalar }, { requiredKeys: [] }),
  fc.record({ a: fc.array(listOfRecords, { maxLength: 2 }), status: scalar }, { requiredKeys: [] }),
);

const literal = fc.oneof(
  fc.constantFrom('"ACTIVE"', '""', '"12"', '"张伟"', '"a"', 'true', 'false', 'null', '0', '1', '2', '3.5', '100', '0.1'),
  fc.integer({ min: 0, max: 50 }).map(String),
);

const path = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map((names) => names.join('.'));

const { expression } = fc.letrec((tie) => {
  const sub = tie('expression') as fc.Arbitrary<string>;
  return {
    expression: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      path,
      literal,
      path,
      fc
        .tuple(sub, fc.constantFrom('=', '!=', '<', '<=', '>', '>=', 'and', 'or', '+', '-', '*', '/', '%', '&'), sub)
        .map(([left, operator, right]) => `(${left} ${operator} ${right})`),
      fc.tuple(sub, fc.array(literal, { maxLength: 4 })).map(([left, items]) => `(${left} in [${items.join(', ')}])`),
      fc
        .tuple(sub, sub, fc.option(sub, { nil: undefined }))
        .map(([condition, then, otherwise]) =>
          otherwise === undefined ? `(${condition} ? ${then})` : `(${condition} ? ${then} : ${otherwise})`,
        ),
      fc.tuple(sub, sub).map(([left, right]) => `(${left} ?: ${right})`),
      fc.tuple(sub, sub).map(([left, right]) => `(${left} ?? ${right})`),
      sub.map((operand) => `-(${operand})`),
      fc
        .uniqueArray(fc.tuple(fc.constantFrom('k', 'name', '1', 'x y'), sub), { selector: ([key]) => key, minLength: 1, maxLength: 3 })
        .map((pairs) => `{${pairs.map(([key, value]) => `${JSON.stringify(key)}: ${value}`).join(', ')}}`),
      fc
        .tuple(
          fc.constantFrom(
            'string',
            'number',
            'uppercase',
            'lowercase',
            'exists',
            'boolean',
            'not',
            'round',
            'length',
            'mobileValid',
            'residentIdValid',
            'round2',
          ),
          sub,
        )
        .map(([name, argument]) => `$${name}(${argument})`),
      fc
        .tuple(sub, fc.integer({ min: -3, max: 3 }), fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }))
        .map(([text, start, length]) => `$substring(${text}, ${start}${length === undefined ? '' : `, ${length}`})`),
      fc.tuple(sub, fc.integer({ min: -2, max: 3 })).map(([number, places]) => `$round(${number}, ${places})`),
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
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
    );
  }
  return a === b;
}

describe('fast path agreement with jsonata', () => {
  it('gives the same value or the same error as jsonata for generated expressions and records', async () => {
    let answeredByFastPath = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(expression, inputRecord, async (text, input) => {
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
        // How often the closures answered themselves rather than handing the input to jsonata.
        const closure = compileFastPath(jsonata(text).ast() as AstNode);
        total++;
        try {
          closure?.(input);
          answeredByFastPath++;
        } catch (error) {
          if (!(error instanceof FastPathExit)) answeredByFastPath++;
        }
      }),
      { numRuns: 2500 },
    );
    // Random operands often mix kinds (a string plus a number) where jsonata raises errors; on
    // realistic expressions nearly every input is answered by the closures.
    expect(answeredByFastPath / total).to.be.greaterThan(0.5);
  });

  it('agrees on realistic expressions over realistic records', async () => {
    const records = [
      {
        status: 'ACTIVE',
        valueSegment: 'GOLD',
        premium: { amount: '3860.50' },
        phones: [
          { type: 'MOBILE', number: '13812345678' },
          { type: 'WORK', number: '0755-86001234' },
        ],
      },
      {
        status: 'INACTIVE',
        valueSegment: 'UNCLASSIFIED',
        premium: { amount: '0.00' },
        phones: [{ type: 'MOBILE', number: '15900001234' }],
      },
      { status: 'ACTIVE', phones: [] },
      {},
    ];
    const expressions = [
      'status = "ACTIVE" and valueSegment in ["GOLD", "PLATINUM"]',
      'phones.number',
      'phones.type = "MOBILE"',
      '$number(premium.amount) * 1.06',
      '$round($number(premium.amount) / 3, 2)',
      'status & "/" & valueSegment',
      '{"segment": valueSegment ? valueSegment : "NONE", "mobile": $mobileValid(phones[0].number)}',
      '$exists(phones.number) ? $string($length(status)) : "n/a"',
    ];
    for (const text of expressions) {
      for (const record of records) {
        const fast = compileExpression(text);
        const reference = compileExpression(text, { fastPath: false });
        if (!fast.ok || !reference.ok) throw new Error(`${text} did not compile`);
        const [mine, theirs] = await Promise.all([
          outcome(() => fast.expression.evaluate(record)),
          outcome(() => reference.expression.evaluate(record)),
        ]);
        expect(JSON.stringify(mine), `${text} on ${JSON.stringify(record)}`).to.equal(JSON.stringify(theirs));
      }
    }
  });
});
