import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import type { CustomerFacts } from '../../../../src/domain/customer-view/segments/customer-facts.js';
import { SegmentRuleError } from '../../../../src/domain/customer-view/segments/segment-rule-error.js';
import {
  compileSegmentRules,
  type SegmentRules,
  type SegmentRulesConfig,
} from '../../../../src/domain/customer-view/segments/segment-rules.js';
import { VALUE_SEGMENTS } from '../../../../src/domain/customer-view/segments/value-segment.js';

function facts(changes: Partial<CustomerFacts> = {}): CustomerFacts {
  return {
    annualPremium: 0,
    tenureYears: 0,
    productsHeld: 0,
    productLines: [],
    claimsCount: 0,
    claimsPaid: 0,
    lossRatio: null,
    ...changes,
  };
}

function rulesOf(config: SegmentRulesConfig): SegmentRules {
  const compilation = compileSegmentRules(config);
  if (!compilation.ok) throw new TypeError(JSON.stringify(compilation.issues));
  return compilation.rules;
}

describe('segment rules', () => {
  it('name exactly the ValueSegment symbols of Customer.avsc', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../../schemas/customer/Customer.avsc', import.meta.url), 'utf8')) as {
      fields: { name: string; type: { symbols?: string[] } }[];
    };
    expect(schema.fields.find((field) => field.name === 'valueSegment')?.type.symbols).to.deep.equal([...VALUE_SEGMENTS]);
  });

  describe('the default rules', () => {
    const rules = rulesOf({});

    it('compile onto the fast path, so they answer synchronously', () => {
      const result = rules.evaluate(facts());
      expect(result).not.to.be.instanceOf(Promise);
      expect(result).to.deep.equal({ segment: 'UNCLASSIFIED', rule: 'default' });
      expect(rules.defaultSegment).to.equal('UNCLASSIFIED');
    });

    it('put customers in the documented tiers', () => {
      const cases: [Partial<CustomerFacts>, string, string][] = [
        [{ annualPremium: 50000, tenureYears: 3, productsHeld: 1, lossRatio: null }, 'PLATINUM', 'rules[0]'],
        [{ annualPremium: 80000, tenureYears: 5, productsHeld: 2, lossRatio: 0.59 }, 'PLATINUM', 'rules[0]'],
        // Loss ratio too high for PLATINUM but not for GOLD; tenure too short for PLATINUM.
        [{ annualPremium: 80000, tenureYears: 5, productsHeld: 2, lossRatio: 0.6 }, 'GOLD', 'rules[1]'],
        [{ annualPremium: 50000, tenureYears: 2.99, productsHeld: 1, lossRatio: 0.1 }, 'GOLD', 'rules[1]'],
        [{ annualPremium: 12000, tenureYears: 1, productsHeld: 3, lossRatio: 0.2 }, 'GOLD', 'rules[1]'],
        [{ annualPremium: 25000, tenureYears: 1, productsHeld: 1, lossRatio: 1.2 }, 'SILVER', 'rules[2]'],
        [{ annualPremium: 800, productsHeld: 2 }, 'SILVER', 'rules[2]'],
        [{ annualPremium: 800, productsHeld: 1 }, 'BRONZE', 'rules[3]'],
        [{ annualPremium: 0, productsHeld: 0, tenureYears: 9 }, 'UNCLASSIFIED', 'default'],
      ];
      for (const [changes, segment, rule] of cases)
        expect(rules.evaluate(facts(changes)), JSON.stringify(changes)).to.deep.equal({ segment, rule });
    });
  });

  it('give the segment of the first rule that matches, in the order written', () => {
    const rules = rulesOf({
      rules: [
        { segment: 'BRONZE', when: 'claimsCount >= 3' },
        { segment: 'PLATINUM', when: 'annualPremium >= 100000' },
      ],
    });
    expect(rules.evaluate(facts({ annualPremium: 200000, claimsCount: 3 }))).to.deep.equal({ segment: 'BRONZE', rule: 'rules[0]' });
    expect(rules.evaluate(facts({ annualPremium: 200000, claimsCount: 2 }))).to.deep.equal({ segment: 'PLATINUM', rule: 'rules[1]' });
  });

  it('fall back to the configured default segment', () => {
    const rules = rulesOf({ rules: [{ segment: 'GOLD', when: 'annualPremium > 1' }], default: 'BRONZE' });
    expect(rules.evaluate(facts())).to.deep.equal({ segment: 'BRONZE', rule: 'default' });
    expect(rulesOf({ rules: [] }).evaluate(facts({ annualPremium: 1e6 }))).to.deep.equal({ segment: 'UNCLASSIFIED', rule: 'default' });
  });

  it('wait for rules that JSONata evaluates asynchronously', async () => {
    const rules = rulesOf({
      rules: [
        { segment: 'GOLD', when: '"HEALTH" in productLines and $count(productLines) >= 2' },
        { segment: 'SILVER', when: 'productsHeld >= 1' },
      ],
    });
    const gold = rules.evaluate(facts({ productsHeld: 2, productLines: ['HEALTH', 'MOTOR'] }));
    expect(gold).to.be.instanceOf(Promise);
    expect(await gold).to.deep.equal({ segment: 'GOLD', rule: 'rules[0]' });
    expect(await rules.evaluate(facts({ productsHeld: 1, productLines: ['MOTOR'] }))).to.deep.equal({
      segment: 'SILVER',
      rule: 'rules[1]',
    });
  });

  it('report every problem at its path: syntax errors, unknown functions and fields, unknown segments', () => {
    const compilation = compileSegmentRules({
      rules: [
        { segment: 'PLATINUM', when: 'annualPremium >= 50000' },
        { segment: 'GOLDEN', when: 'annualPremium >= 20000' },
        { segment: 'SILVER', when: 'annualPremium >= ' },
        { segment: 'BRONZE', when: 'annualPremum >= 1 and $sqr(productsHeld) > 0' },
      ],
      default: 'NONE',
    });
    expect(compilation.ok).to.equal(false);
    if (compilation.ok) return;
    expect(compilation.issues).to.deep.equal([
      { path: 'rules[1].segment', code: 'SEGMENT_UNKNOWN', message: 'unknown segment "GOLDEN"; did you mean GOLD?' },
      { path: 'rules[2].when', code: 'EXPRESSION_INVALID', message: 'Unexpected end of expression', offset: 17 },
      {
        path: 'rules[3].when',
        code: 'FIELD_UNKNOWN',
        message: 'field annualPremum is not in crmhub.customerview.CustomerFacts; did you mean annualPremium?',
        offset: 0,
      },
      { path: 'rules[3].when', code: 'EXPRESSION_INVALID', message: 'unknown function $sqr; did you mean $sqrt?', offset: 22 },
      { path: 'default', code: 'SEGMENT_UNKNOWN', message: 'unknown segment "NONE"; known: PLATINUM, GOLD, SILVER, BRONZE, UNCLASSIFIED' },
    ]);
  });

  it('fail loudly, naming the rule, when a rule cannot be evaluated on the facts', async () => {
    const rules = rulesOf({
      rules: [
        { segment: 'GOLD', when: 'annualPremium > 1' },
        { segment: 'PLATINUM', when: 'lossRatio < 0.6' },
      ],
    });
    expect(rules.evaluate(facts({ annualPremium: 5 }))).to.deep.equal({ segment: 'GOLD', rule: 'rules[0]' });
    let failure: unknown;
    try {
      await rules.evaluate(facts({ lossRatio: null }));
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(SegmentRuleError);
    expect(failure).to.include({ code: 'SEGMENT_RULE_FAILED', rule: 'rules[1]', retriable: false });
    expect((failure as Error).message).to.match(/^segment rule rules\[1\] \(PLATINUM\) failed: .*T2010/);
  });
});
