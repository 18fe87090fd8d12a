import type avro from 'avsc';
import { ConfigError } from '../../core/hub-error.js';
import type { CompiledExpression } from '../../expressions/compiled-expression.js';
import { compileExpression } from '../../expressions/expression-compiler.js';
import type { StepCompileContext } from '../flow-step.js';

export interface StepExpressionOptions {
  /** The record type the expression reads; default the step's input type. */
  inputType?: avro.Type | undefined;
  /** Where the expression starts in the string at `relativePath` (for an expression inside a template). */
  offset?: number;
}

/**
 * Compiles an expression of a step's config, reporting its problems at `relativePath` with the
 * character where each is. With problems, the flow does not start; the expression returned then
 * only says so if it is ever evaluated.
 */
export function compileStepExpression(
  context: StepCompileContext,
  relativePath: (string | number)[],
  text: string,
  options: StepExpressionOptions = {},
): CompiledExpression {
  const inputType = 'inputType' in options ? options.inputType : context.inputType;
  const compilation = compileExpression(text, { inputType, ...(context.expressionLimits ? { limits: context.expressionLimits } : {}) });
  if (compilation.ok) return compilation.expression;
  for (const problem of compilation.problems)
    context.report(relativePath, problem.code, problem.message, { offset: (options.offset ?? 0) + problem.offset });
  return {
    text,
    compiled: false,
    evaluate: () => {
      throw new ConfigError('EXPRESSION_INVALID', `expression ${JSON.stringify(text)} has problems and cannot be evaluated`);
    },
  };
}

/** Steps whose config is an expression, written bare (`filter: status = "ACTIVE"`) or as `{ expression }`. */
export function compileShorthandExpression(context: StepCompileContext, config: string | { expression: string }): CompiledExpression {
  return typeof config === 'string'
    ? compileStepExpression(context, [], config)
    : compileStepExpression(context, ['expression'], config.expression);
}
