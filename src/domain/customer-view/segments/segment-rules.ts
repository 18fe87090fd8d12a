import { closestNames } from '../../../core/closest-names.js';
import type { CompiledExpression } from '../../../expressions/compiled-expression.js';
import { compileExpression } from '../../../expressions/expression-compiler.js';
import { expressionTruth } from '../../../expressions/expression-results.js';
import type { MaybePromise } from '../../../core/maybe-promise.js';
import type { CustomerFacts } from './customer-facts.js';
import { customerFactsType } from './customer-facts-type.js';
import { DEFAULT_SEGMENT, DEFAULT_SEGMENT_RULES } from './default-segment-rules.js';
import { SegmentRuleError } from './segment-rule-error.js';
import { isValueSegment, VALUE_SEGMENTS, type ValueSegment } from './value-segment.js';

export interface SegmentRuleConfig {
  segment: string;
  /** JSONata condition on CustomerFacts. */
  when: string;
}

/** Segment settings as written; what is left out takes the defaults of default-segment-rules.ts. */
export interface SegmentRulesConfig {
  rules?: readonly SegmentRuleConfig[];
  default?: string;
}

/** Something wrong with the segment settings, at its path inside them. */
export interface SegmentRuleIssue {
  /** e.g. `rules[2].when`, `rules[0].segment`, `default`. */
  path: string;
  code: 'SEGMENT_UNKNOWN' | 'EXPRESSION_INVALID' | 'FIELD_UNKNOWN';
  message: string;
  /** For expression problems: the character of `when` (from 0) where the problem starts. */
  offset?: number;
}

/** The segment a customer is given and the rule that gave it (`rules[0]`…, or `default`). */
export interface SegmentAssignment {
  segment: ValueSegment;
  rule: string;
}

export interface SegmentRules {
  readonly defaultSegment: ValueSegment;
  /**
   * The segment of the first rule whose condition holds (JSONata's $boolean: a missing value is
   * false), else the default. Synchronous when every rule evaluated is on the expression fast
   * path, a promise otherwise. Throws (or rejects with) SegmentRuleError when a rule fails.
   */
  evaluate(facts: CustomerFacts): MaybePromise<SegmentAssignment>;
}

export type SegmentRulesCompilation = { ok: true; rules: SegmentRules } | { ok: false; issues: SegmentRuleIssue[] };

interface CompiledRule {
  path: string;
  segment: ValueSegment;
  expression: CompiledExpression;
}

/**
 * Checks and compiles the rules once, at load: every issue is collected (unknown segment names,
 * syntax errors, unknown functions, field names that are not facts), each at its path, so that a
 * config with problems never starts.
 */
export function compileSegmentRules(config: SegmentRulesConfig): SegmentRulesCompilation {
  const issues: SegmentRuleIssue[] = [];
  const compiled: CompiledRule[] = [];
  const rules = config.rules ?? DEFAULT_SEGMENT_RULES;
  rules.forEach((rule, index) => {
    const path = `rules[${index}]`;
    const segmentIssue = unknownSegment(`${path}.segment`, rule.segment);
    if (segmentIssue) issues.push(segmentIssue);
    const compilation = compileExpression(rule.when, { inputType: customerFactsType() });
    if (!compilation.ok) {
      for (const problem of compilation.problems)
        issues.push({ path: `${path}.when`, code: problem.code, message: problem.message, offset: problem.offset });
    } else if (!segmentIssue) {
      compiled.push({ path, segment: rule.segment as ValueSegment, expression: compilation.expression });
    }
  });
  const defaultSegment = config.default ?? DEFAULT_SEGMENT;
  const defaultIssue = unknownSegment('default', defaultSegment);
  if (defaultIssue) issues.push(defaultIssue);
  if (issues.length > 0 || !isValueSegment(defaultSegment)) return { ok: false, issues };

  const fallback: SegmentAssignment = { segment: defaultSegment, rule: 'default' };
  const from = (index: number, facts: CustomerFacts): MaybePromise<SegmentAssignment> => {
    const rule = compiled[index];
    if (!rule) return { ...fallback };
    const decide = (value: unknown): MaybePromise<SegmentAssignment> =>
      expressionTruth(value) ? { segment: rule.segment, rule: rule.path } : from(index + 1, facts);
    let value: unknown;
    try {
      value = rule.expression.evaluate(facts);
    } catch (error) {
      throw ruleFailure(rule, error);
    }
    if (!(value instanceof Promise)) return decide(value);
    // The rejection handler covers this rule only; later rules wrap their own failures.
    return value.then(decide, (error: unknown) => {
      throw ruleFailure(rule, error);
    });
  };
  return { ok: true, rules: { defaultSegment, evaluate: (facts) => from(0, facts) } };
}

function unknownSegment(path: string, name: string): SegmentRuleIssue | undefined {
  if (isValueSegment(name)) return undefined;
  const [suggestion] = closestNames(String(name), VALUE_SEGMENTS, 1);
  const hint = suggestion ? `; did you mean ${suggestion}?` : `; known: ${VALUE_SEGMENTS.join(', ')}`;
  return { path, code: 'SEGMENT_UNKNOWN', message: `unknown segment ${JSON.stringify(name)}${hint}` };
}

function ruleFailure(rule: CompiledRule, error: unknown): SegmentRuleError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SegmentRuleError(rule.path, `segment rule ${rule.path} (${rule.segment}) failed: ${reason}`, { cause: error });
}
