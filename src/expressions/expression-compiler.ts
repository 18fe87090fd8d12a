import jsonata from 'jsonata';
import type avro from 'avsc';
import type { CompiledExpression } from './compiled-expression.js';
import { DOMAIN_FUNCTIONS } from './domain-functions.js';
import { ExpressionEvaluationError, expressionErrorFromJsonata } from './expression-evaluation-error.js';
import { DEFAULT_EXPRESSION_LIMITS, ExpressionLimitError, type ExpressionLimits } from './expression-limits.js';
import type { ExpressionProblem } from './expression-problem.js';
import { FastPathExit } from './fast-path-exit.js';
import { compileFastPath } from './fast-path-compiler.js';
import { fieldPathProblems } from './field-path-check.js';
import { functionNameProblems } from './function-name-check.js';
import { type AstNode, childNodes } from './jsonata-ast.js';
import { LinearRegex, linearRegexProblem } from './linear-regex.js';

export interface ExpressionOptions {
  /** The Avro record type of the input: field names in paths are checked against it. */
  inputType?: avro.Type;
  /** Names of `$variables` the caller binds when evaluating, so calls of them are not reported. */
  variables?: readonly string[];
  /** false: always evaluate with jsonata, even when the fast path could (for comparisons and measurements). */
  fastPath?: boolean;
  /** Bounds of each evaluation by jsonata; default DEFAULT_EXPRESSION_LIMITS. (The fast path's closures have no loops or calls to bound.) */
  limits?: ExpressionLimits;
}

export type ExpressionCompilation = { ok: true; expression: CompiledExpression } | { ok: false; problems: ExpressionProblem[] };

/**
 * Parses a JSONata expression with jsonata's own parser, checks it (syntax, function names and,
 * when `inputType` is given, field names), and compiles it: into closures when the whole
 * expression is in the compiled subset (see fast-path-compiler.ts), which evaluates an order of
 * magnitude faster than jsonata's asynchronous interpreter, else for jsonata to evaluate. Both give
 * the same results; the fast path hands any input whose semantics it does not reproduce to jsonata.
 */
export function compileExpression(text: string, options: ExpressionOptions = {}): ExpressionCompilation {
  const limits = options.limits ?? DEFAULT_EXPRESSION_LIMITS;
  let parsed: jsonata.Expression;
  try {
    // jsonata's own guardrails check depth and elapsed time at every evaluation step, per
    // evaluation; regex literals run on RE2, whose matching cannot backtrack catastrophically.
    parsed = jsonata(text, {
      timeout: limits.expressionTimeoutMs,
      stack: limits.expressionDepth,
      RegexEngine: LinearRegex as unknown as RegExpConstructor,
    });
  } catch (error) {
    return { ok: false, problems: [syntaxProblem(error, text)] };
  }
  const ast = parsed.ast() as AstNode;
  const problems = functionNameProblems(ast, text, options.variables);
  problems.push(...regexProblems(ast));
  if (options.inputType) problems.push(...fieldPathProblems(ast, text, options.inputType));
  if (problems.length > 0) return { ok: false, problems: problems.sort((a, b) => a.offset - b.offset) };

  for (const [name, fn] of Object.entries(DOMAIN_FUNCTIONS))
    parsed.registerFunction(name, (...args: unknown[]) => fn.call(...args), fn.signature);
  const slow = async (input: unknown, bindings?: Record<string, unknown>): Promise<unknown> => {
    try {
      return await parsed.evaluate(input, bindings);
    } catch (error) {
      throw limitError(error, text, limits) ?? expressionErrorFromJsonata(error, text);
    }
  };
  const fast = options.fastPath === false ? undefined : compileFastPath(ast);
  if (!fast) return { ok: true, expression: { text, compiled: false, evaluate: slow } };

  const variables = variableNames(ast);
  const evaluate = (input: unknown, bindings?: Record<string, unknown>): unknown => {
    // jsonata wraps an array input in a sequence, and bindings may redefine a name the expression
    // uses: both are rare and left to jsonata.
    if (Array.isArray(input) || (bindings !== undefined && Object.keys(bindings).some((name) => variables.has(name))))
      return slow(input, bindings);
    try {
      return fast(input);
    } catch (error) {
      if (error instanceof FastPathExit) return slow(input, bindings);
      if (error instanceof ExpressionEvaluationError) throw error;
      throw expressionErrorFromJsonata(error, text);
    }
  };
  return { ok: true, expression: { text, compiled: true, evaluate } };
}

function syntaxProblem(error: unknown, text: string): ExpressionProblem {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; position?: unknown; token?: unknown };
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  // jsonata gives the offset just after the offending token; the problem starts at the token.
  const end = typeof fields.position === 'number' ? fields.position : 0;
  const token = typeof fields.token === 'string' || typeof fields.token === 'number' ? String(fields.token) : undefined;
  const start = token !== undefined && token !== '(end)' && end >= token.length ? end - token.length : end;
  return { code: 'EXPRESSION_INVALID', message, offset: Math.max(0, Math.min(start, text.length)) };
}

/** jsonata's D1011 (stack) and D1012 (timeout), said in the words of the flow file's `limits`. */
function limitError(error: unknown, text: string, limits: ExpressionLimits): ExpressionLimitError | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
  if (code === 'D1011')
    return new ExpressionLimitError(
      `expression ${shown} went deeper than limits.expressionDepth (${limits.expressionDepth} evaluation steps): unbounded recursion?`,
      'expressionDepth',
      { cause: error },
    );
  if (code === 'D1012')
    return new ExpressionLimitError(
      `expression ${shown} ran longer than limits.expressionTimeoutMs (${limits.expressionTimeoutMs} ms) on this message`,
      'expressionTimeoutMs',
      { cause: error },
    );
  return undefined;
}

/** Regex literals RE2 cannot run (backreferences, lookarounds): refused before any message, not on one. */
function regexProblems(ast: AstNode): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  const pending = [ast];
  while (pending.length > 0) {
    const node = pending.pop() as AstNode;
    if (node.type === 'regex' && node.value instanceof RegExp) {
      const reason = linearRegexProblem(node.value.source, node.value.flags);
      if (reason !== undefined) {
        // jsonata's position is just after the flags it read (it adds `g` itself); the problem starts at the opening slash.
        const writtenFlags = node.value.flags.replace('g', '').length;
        const offset = Math.max(0, (node.position ?? 0) - node.value.source.length - 2 - writtenFlags);
        problems.push({
          code: 'EXPRESSION_INVALID',
          message: `regular expression /${node.value.source}/ is not supported: ${reason} (crm-hub runs regular expressions on RE2, in time linear in the input, which has no backreferences or lookarounds)`,
          offset,
        });
      }
    }
    pending.push(...childNodes(node));
  }
  return problems;
}

/** Every `$name` the expression refers to, functions included. */
function variableNames(ast: AstNode): Set<string> {
  const names = new Set<string>();
  const pending = [ast];
  while (pending.length > 0) {
    const node = pending.pop() as AstNode;
    if (node.type === 'variable') names.add(String(node.value));
    pending.push(...childNodes(node));
  }
  return names;
}
