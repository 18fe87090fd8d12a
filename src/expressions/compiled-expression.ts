/** An expression compiled once, evaluated per message. */
export interface CompiledExpression {
  /** The expression as written. */
  readonly text: string;
  /**
   * Whether the fast path is used: the expression is in the compiled subset and evaluates as
   * closures, synchronously. Otherwise jsonata evaluates it and `evaluate` returns a promise.
   */
  readonly compiled: boolean;
  /**
   * The value of the expression for `input` (undefined when it gives nothing, as JSONata does).
   * Throws (or rejects with) ExpressionEvaluationError, never retriable, when the expression fails
   * on this input. `bindings` become `$name` variables.
   */
  evaluate(input: unknown, bindings?: Record<string, unknown>): unknown;
}
