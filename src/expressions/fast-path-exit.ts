import { HubError } from '../core/hub-error.js';

/**
 * Thrown inside a compiled (fast-path) expression when a value is one whose JSONata semantics the
 * fast path does not reproduce — usually the case where jsonata itself would raise an error (a
 * string in arithmetic, an array given to $uppercase). The expression is then evaluated again by
 * jsonata, which gives the answer or the error exactly as JSONata defines it. Expressions have no
 * side effects, so evaluating again is safe. It never leaves the expression module.
 */
export class FastPathExit extends HubError {
  constructor() {
    super('EXPRESSION_FAST_PATH_EXIT', 'the compiled expression hands this input to jsonata');
  }
}

// One instance, thrown as often as needed: creating an Error captures a stack trace, which would
// make the rare fallback far slower than it needs to be.
export const FAST_PATH_EXIT = new FastPathExit();
