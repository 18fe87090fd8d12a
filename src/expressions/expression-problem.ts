/**
 * Something wrong with an expression, found before any message is processed. `offset` is the
 * character (from 0) of the expression text where the problem starts, so that the flow compiler
 * can point at line and column inside the flow file.
 */
export interface ExpressionProblem {
  /** EXPRESSION_INVALID (syntax, unknown function, wrong number of arguments) or FIELD_UNKNOWN. */
  code: 'EXPRESSION_INVALID' | 'FIELD_UNKNOWN';
  message: string;
  offset: number;
}
