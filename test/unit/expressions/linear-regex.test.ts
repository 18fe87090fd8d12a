import { expect } from 'chai';
import fc from 'fast-check';
import { compileExpression } from '../../../src/expressions/expression-compiler.js';
import { LinearRegex, RegexUnsupportedError } from '../../../src/expressions/linear-regex.js';
import { validateStep } from '../../../src/flows/steps/validate.js';
import { compileStep } from '../flows/steps/step-harness.js';

/**
 * Patterns in the part of the syntax where RegExp and RE2 mean the same: no backreferences or
 * lookarounds, and no quantifier on a group that can match the empty string (`((a)*?|a)*` on "a":
 * RegExp gives "a", RE2 "": RegExp refuses an empty iteration of a loop, RE2 takes it).
 */
interface Piece {
  source: string;
  /** Whether it can match the empty string. */
  empty: boolean;
}
const OPTIONAL = new Set(['*', '?', '*?']);
const atom = fc.constantFrom('a', 'b', '1', '.', '[ab]', '[^a]', '\\d', '\\w', '\\s', '[a-c1]', 'x');
const quantifier = fc.constantFrom('', '', '*', '+', '?', '{1,2}', '*?', '+?', '{2}');
const quantified = (source: string, empty: boolean, q: string): Piece =>
  empty ? { source, empty } : { source: source + q, empty: OPTIONAL.has(q) };
const pieces = fc.letrec<{ seq: Piece; alt: Piece; part: Piece }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.tuple(atom, quantifier).map(([a, q]) => quantified(a, false, q)),
    fc.tuple(tie('alt'), quantifier).map(([inner, q]) => quantified(`(${inner.source})`, inner.empty, q)),
    tie('alt').map((inner) => ({ source: `(?:${inner.source})`, empty: inner.empty })),
  ),
  seq: fc
    .array(tie('part'), { minLength: 1, maxLength: 4 })
    .map((parts) => ({ source: parts.map((p) => p.source).join(''), empty: parts.every((p) => p.empty) })),
  alt: fc
    .array(tie('seq'), { minLength: 1, maxLength: 3 })
    .map((seqs) => ({ source: seqs.map((p) => p.source).join('|'), empty: seqs.some((p) => p.empty) })),
}));
const pattern = fc
  .tuple(fc.constantFrom('', '^'), pieces.alt, fc.constantFrom('', '$'))
  .map(([start, body, end]) => `${start}${body.source}${end}`);
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '1', 'x', ' ', '\n'), maxLength: 12 });
const flags = fc.subarray(['g', 'i', 'm']).map((chosen) => chosen.join(''));

/** Every match `exec` finds from the start, advancing past empty matches as jsonata and String.prototype.matchAll do. */
function allMatches(
  re: { exec(text: string): RegExpExecArray | null; lastIndex: number; global: boolean },
  input: string,
): [string | undefined, number, number][] {
  const found: [string | undefined, number, number][] = [];
  re.lastIndex = 0;
  for (let guard = 0; guard <= input.length + 1; guard++) {
    const match = re.exec(input);
    if (!match) break;
    found.push([match[0], match.index, re.lastIndex]);
    if (!re.global) break;
    if (match[0] === '') re.lastIndex++;
  }
  return found;
}

describe('LinearRegex', () => {
  it('finds what RegExp finds, at the same index, with lastIndex moving the same way under g', () => {
    fc.assert(
      fc.property(pattern, flags, text, (source, flagSet, input) => {
        expect(allMatches(new LinearRegex(source, flagSet), input), `/${source}/${flagSet} on ${JSON.stringify(input)}`).to.deep.equal(
          allMatches(new RegExp(source, flagSet), input),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('gives the groups RegExp gives, an unmatched one undefined, and counts indexes in UTF-16 units', () => {
    const cases: [string, string, string][] = [
      ['(\\d+)-(\\d+)?x', '', 'ab 12-x 3-4x'],
      ['(a)|(b)', 'g', 'ba'],
      ['b(c)', '', '😀abc'],
      ['^b', 'im', 'a\nB'],
    ];
    for (const [source, flagSet, input] of cases) {
      const mine = new LinearRegex(source, flagSet).exec(input);
      const native = new RegExp(source, flagSet).exec(input);
      expect(mine && [...mine], source).to.deep.equal(native && [...native]);
      expect(mine?.index, source).to.equal(native?.index);
    }
  });

  it('takes a RegExp as jsonata hands it over, keeping its flags', () => {
    const re = new LinearRegex(/b/gi);
    expect([re.exec('aBb')?.index, re.lastIndex, re.exec('aBb')?.index, re.lastIndex, re.exec('aBb'), re.lastIndex]).to.deep.equal([
      1,
      2,
      2,
      3,
      null,
      0,
    ]);
    expect(String(re)).to.equal('/b/gi');
  });

  it('answers a pattern that backtracks catastrophically on RegExp at once', () => {
    // On RegExp this takes about 18 s, doubling with each further "a".
    expect(new LinearRegex('^(a+)+$').test(`${'a'.repeat(28)}!`)).to.equal(false);
    expect(new LinearRegex('^(a+)+$').test('a'.repeat(100_000))).to.equal(true);
  });

  it('refuses backreferences and lookarounds, saying why', () => {
    expect(() => new LinearRegex('(a)\\1')).to.throw(RegexUnsupportedError, /invalid escape sequence/);
    expect(() => new LinearRegex('a(?=b)')).to.throw(RegexUnsupportedError, /\(\?=/);
  });

  describe('in flows', () => {
    it('runs the regex literals of expressions on RE2', async () => {
      const compiled = compileExpression('$contains(name, /^(a+)+$/) ? "yes" : $match(name, /a(b)?/).groups[0]');
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
      expect(await compiled.expression.evaluate({ name: `${'a'.repeat(28)}!` })).to.equal(undefined);
      expect(await compiled.expression.evaluate({ name: 'xab' })).to.equal('b');
      expect(await compiled.expression.evaluate({ name: 'aaa' })).to.equal('yes');
    });

    it('refuses a regex literal RE2 cannot run when the flow is validated, pointing at it', () => {
      const compiled = compileExpression('$match(name, /(a)\\1/)');
      expect(compiled.ok).to.equal(false);
      expect(!compiled.ok && compiled.problems).to.deep.equal([
        {
          code: 'EXPRESSION_INVALID',
          offset: 13,
          message:
            'regular expression /(a)\\1/ is not supported: invalid escape sequence: `\\1` (crm-hub runs regular expressions on RE2, in time linear in the input, which has no backreferences or lookarounds)',
        },
      ]);
      const withFlags = compileExpression('$match(name, /(a)\\1/im) or $contains(name, /x(?=y)/)');
      expect(!withFlags.ok && withFlags.problems.map((problem) => problem.offset)).to.deep.equal([13, 43]);
    });

    it("runs the patterns of a validate step's JSON Schema on RE2, and refuses one RE2 cannot run", async () => {
      const { step, issues } = await compileStep(validateStep, {
        schema: {
          type: 'object',
          properties: { name: { type: 'string', pattern: '^(a+)+$' } },
          patternProperties: { '^x-': { type: 'number' } },
        },
      });
      expect(issues).to.deep.equal([]);
      const check = (value: Record<string, unknown>) => {
        try {
          step.run({ key: null, value, headers: {}, topic: 't' });
          return 'valid';
        } catch (error) {
          return (error as Error).message;
        }
      };
      expect(check({ name: `${'a'.repeat(28)}!` })).to.contain('must match pattern');
      expect(check({ name: 'aaa', 'x-b': 1 })).to.equal('valid');
      expect(check({ name: 'aaa', 'x-b': 'no' })).to.contain('x-b');
      const refused = await compileStep(validateStep, { schema: { type: 'string', pattern: '(a)\\1' } });
      expect(refused.issues.map((issue) => `${issue.code} ${issue.message}`)).to.deep.equal([
        'VALUE_INVALID not a valid JSON Schema: regular expression /(a)\\1/ cannot run in linear time: invalid escape sequence: `\\1` (backreferences and lookarounds are not supported)',
      ]);
    });
  });
});
