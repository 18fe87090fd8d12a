import { expect } from 'chai';
import jsonata from 'jsonata';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import type { CompiledExpression } from '../../../src/expressions/compiled-expression.js';
import { compileExpression, type ExpressionOptions } from '../../../src/expressions/expression-compiler.js';
import { ExpressionEvaluationError } from '../../../src/expressions/expression-evaluation-error.js';
import type { ExpressionProblem } from '../../../src/expressions/expression-problem.js';
import { JSONATA_BUILTIN_FUNCTIONS } from '../../../src/expressions/jsonata-builtin-names.js';
import { sampleClaim, sampleCustomer, samplePolicy, sampleServiceRequest } from '../../fixtures/sample-records.js';

let catalog: SchemaCatalog;
before(async () => {
  catalog = await SchemaCatalog.load();
});

function compiled(text: string, options: ExpressionOptions = {}): CompiledExpression {
  const result = compileExpression(text, options);
  if (!result.ok) throw new Error(`${text}: ${result.problems.map((problem) => problem.message).join('; ')}`);
  return result.expression;
}

function problemsOf(text: string, record?: string): ExpressionProblem[] {
  const result = compileExpression(text, record ? { inputType: catalog.type(record) } : {});
  return result.ok ? [] : result.problems;
}

describe('compileExpression', () => {
  describe('the fast path', () => {
    it('compiles the common subset and evaluates it synchronously', () => {
      const customer = sampleCustomer();
      const cases: [string, unknown][] = [
        ['status = "ACTIVE"', true],
        ['meta.eventType', 'CustomerUpdated'],
        ['phones.number', ['13812345678', '0755-86001234']],
        ['valueSegment in ["GOLD", "PLATINUM"] and status != "MERGED"', true],
        ['fullName & "（" & customerId & "）"', '张伟（C440300000123）'],
        ['mergedIntoCustomerId ? mergedIntoCustomerId : customerId', 'C440300000123'],
        ['{ "erpCustomerId": customerId, "name": fullName, "nickname": nickname }', { erpCustomerId: 'C440300000123', name: '张伟' }],
        ['$substring(idNumber, 6, 8)', '19850312'],
        ['$genderFromId(idNumber) = gender', true],
        ['phones[type = "MOBILE"].number', '13812345678'],
        ['$count(phones)', 2],
        ['$length(addresses[0].street) > 10', true],
      ];
      for (const [text, expected] of cases) {
        const expression = compiled(text);
        expect(expression.compiled, text).to.equal(true);
        const value = expression.evaluate(customer);
        expect(value, text).not.to.be.instanceOf(Promise);
        expect(value, text).to.deep.equal(expected);
      }
    });

    it('leaves the rest to jsonata, asynchronously, with the same domain functions', async () => {
      const customer = sampleCustomer();
      for (const [text, expected] of [
        ['$join(phones[type = "MOBILE"].number, ",")', '13812345678'],
        ['$count(phones[$contains(number, "-")])', 1],
        ['$map(phones, function($p) { $mobileValid($p.number) })', [true, false]],
        ['$sum(phones.($length(number)))', 24],
        ['addresses[0].street ~> $length() > 10', true],
      ] as const) {
        const expression = compiled(text);
        expect(expression.compiled, text).to.equal(false);
        const value = expression.evaluate(customer);
        expect(value).to.be.instanceOf(Promise);
        expect(await value, text).to.deep.equal(expected);
      }
    });

    it('hands an input it cannot answer exactly to jsonata, which gives its own error', async () => {
      const expression = compiled('premium.amount * 2');
      expect(expression.compiled).to.equal(true);
      // Decimals are strings in memory: arithmetic on one is JSONata's error T2001, not NaN.
      const error = await Promise.resolve()
        .then(() => expression.evaluate(samplePolicy()))
        .catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ExpressionEvaluationError);
      expect(error).to.include({ code: 'FLOW_EXPRESSION_FAILED', retriable: false, jsonataCode: 'T2001' });
      expect(compiled('$number(premium.amount) * 2').evaluate(samplePolicy())).to.equal(7721);
    });

    it('keeps values out of error messages, which end up in dead letters', async () => {
      const error = (await Promise.resolve()
        .then(() => compiled('$number(fullName)').evaluate(sampleCustomer()))
        .catch((caught: unknown) => caught)) as Error;
      expect(error.message).to.equal(
        'expression "$number(fullName)" failed at character 8: Unable to cast value to a number: (value withheld) (D3030)',
      );
      expect(error.message).not.to.contain('张伟');
    });

    it('evaluates with jsonata when bindings redefine a name the expression uses', async () => {
      const expression = compiled('$uppercase(status)');
      expect(expression.evaluate({ status: 'active' }, { unrelated: 1 })).to.equal('ACTIVE');
      expect(await expression.evaluate({ status: 'active' }, { uppercase: (text: string) => `<${text}>` })).to.equal('<active>');
    });

    it('evaluates an array input as jsonata does (as one value, not a sequence of inputs)', async () => {
      const input = [{ status: 'A' }, { status: 'B' }];
      expect(await compiled('status').evaluate(input)).to.deep.equal(await jsonata('status').evaluate(input));
    });

    it('can be turned off, for comparisons', () => {
      expect(compiled('status = "ACTIVE"', { fastPath: false }).compiled).to.equal(false);
    });
  });

  describe('problems', () => {
    it('reports syntax errors with the character where they start', () => {
      expect(problemsOf('status = ')).to.deep.equal([{ code: 'EXPRESSION_INVALID', message: 'Unexpected end of expression', offset: 9 }]);
      expect(problemsOf('status = "ACTIVE" ! x')).to.deep.equal([
        { code: 'EXPRESSION_INVALID', message: 'Unknown operator: "!"', offset: 18 },
      ]);
      expect(problemsOf('{"a" 1}')).to.deep.equal([{ code: 'EXPRESSION_INVALID', message: 'Expected ":", got 1', offset: 5 }]);
      expect(problemsOf('fullName & "张')).to.deep.equal([
        { code: 'EXPRESSION_INVALID', message: 'String literal must be terminated by a matching quote', offset: 13 },
      ]);
    });

    it('reports unknown functions with the closest known name', () => {
      expect(problemsOf('segment = $segmnt(totalPremium)')).to.deep.equal([
        { code: 'EXPRESSION_INVALID', message: 'unknown function $segmnt; did you mean $segment?', offset: 10 },
      ]);
      expect(problemsOf('$uppercas(status) & $frobnicate(1)')).to.deep.equal([
        { code: 'EXPRESSION_INVALID', message: 'unknown function $uppercas; did you mean $uppercase?', offset: 0 },
        { code: 'EXPRESSION_INVALID', message: 'unknown function $frobnicate', offset: 20 },
      ]);
    });

    it('accepts functions the expression defines, jsonata built-ins and variables the caller binds', () => {
      expect(problemsOf('($tier := function($x) { $x > 10000 ? "VIP" : "STD" }; $tier(1))')).to.deep.equal([]);
      expect(problemsOf('$formatNumber($sum([1, 2]), "#,##0.00")')).to.deep.equal([]);
      expect(compileExpression('$lookupRate(currency)', { variables: ['lookupRate'] }).ok).to.equal(true);
    });

    it('reports a domain function called with the wrong number of arguments', () => {
      expect(problemsOf('$mobileValid(phone, "CN")')).to.deep.equal([
        { code: 'EXPRESSION_INVALID', message: '$mobileValid takes 1 argument, got 2', offset: 0 },
      ]);
      expect(problemsOf('$segment()')).to.deep.equal([
        { code: 'EXPRESSION_INVALID', message: '$segment takes 1 or 2 arguments, got 0', offset: 0 },
      ]);
    });

    it('reports field names the input record does not have, nested records and arrays included', () => {
      expect(problemsOf('fullNmae', 'Customer')).to.deep.equal([
        { code: 'FIELD_UNKNOWN', message: 'field fullNmae is not in crmhub.customer.Customer; did you mean fullName?', offset: 0 },
      ]);
      expect(problemsOf('status = "ACTIVE" and meta.evntType = "CustomerUpdated"', 'Customer')).to.deep.equal([
        { code: 'FIELD_UNKNOWN', message: 'field evntType is not in crmhub.common.EventMetadata; did you mean eventType?', offset: 27 },
      ]);
      expect(problemsOf('phones[tpye = "MOBILE"].numbr', 'Customer')).to.deep.equal([
        { code: 'FIELD_UNKNOWN', message: 'field tpye is not in crmhub.common.Phone; did you mean type?', offset: 7 },
        { code: 'FIELD_UNKNOWN', message: 'field numbr is not in crmhub.common.Phone; did you mean number?', offset: 24 },
      ]);
      expect(problemsOf('insured.idNumbr', 'Policy')).to.deep.equal([
        { code: 'FIELD_UNKNOWN', message: 'field idNumbr is not in crmhub.common.PartyRef; did you mean idNumber?', offset: 8 },
      ]);
      expect(problemsOf('$uppercase(vehicle.plat)', 'Policy')).to.deep.equal([
        { code: 'FIELD_UNKNOWN', message: 'field plat is not in crmhub.policy.Vehicle; did you mean plate?', offset: 19 },
      ]);
      expect(problemsOf('{ "x": `fullName` & nickname }', 'Customer')).to.deep.equal([
        { code: 'FIELD_UNKNOWN', message: 'field nickname is not in crmhub.customer.Customer', offset: 20 },
      ]);
    });

    it('does not check paths under variables or inside constructs whose input is not the record', () => {
      for (const text of [
        '$x.anything',
        '$.whatever',
        '$map(phones, function($p) { $p.whatever })',
        'phones.*.whatever',
        '**.whatever',
        'phones@$p.whatever',
        'premium.amount.whatever',
      ]) {
        expect(problemsOf(text, text.startsWith('premium') ? 'Policy' : 'Customer'), text).to.deep.equal([]);
      }
    });

    it('checks fields inside function arguments, conditions, object constructors and nested steps', () => {
      const text = '{ "part": partsRequested[quantty > 1].partNumber, "who": callerNme ? $uppercase(produt.productName) : "" }';
      expect(problemsOf(text, 'ServiceRequest').map((problem) => problem.message)).to.deep.equal([
        'field quantty is not in crmhub.service.PartRequest; did you mean quantity?',
        'field callerNme is not in crmhub.service.ServiceRequest; did you mean callerName?',
        'field produt is not in crmhub.service.ServiceRequest; did you mean product?',
      ]);
      expect(problemsOf('lossDate < reportedAt and reserve.amount != paid.amount', 'Claim')).to.deep.equal([]);
      expect(compiled('claimNumber').evaluate(sampleClaim())).to.equal('RDAA202631010000098765');
      expect(compiled('partsRequested.quantity').evaluate(sampleServiceRequest())).to.deep.equal([1, 2]);
    });
  });

  it('knows every jsonata built-in function by its right name', async () => {
    // jsonata keeps its built-ins as objects marked _jsonata_function; an unknown name is undefined.
    const isFunction = (value: unknown): boolean =>
      (value as { _jsonata_function?: unknown } | undefined)?._jsonata_function === true || typeof value === 'function';
    for (const name of JSONATA_BUILTIN_FUNCTIONS) expect(isFunction(await jsonata(`$${name}`).evaluate({})), name).to.equal(true);
    expect(isFunction(await jsonata('$segment').evaluate({}))).to.equal(false);
  });
});
