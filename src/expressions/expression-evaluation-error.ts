import { HubError } from '../core/hub-error.js';

/**
 * An expression failed on a message (a string in arithmetic, an argument a function refuses).
 * The same message fails the same way every time, so it is never retried; the message goes to the
 * dead-letter topic with this error, which names the expression and jsonata's reason.
 */
export class ExpressionEvaluationError extends HubError {
  /** jsonata's own code (T2001, D3030...) when jsonata raised the error. */
  readonly jsonataCode: string | undefined;

  constructor(message: string, options: { jsonataCode?: string; cause?: unknown } = {}) {
    super('FLOW_EXPRESSION_FAILED', message, { retriable: false, cause: options.cause });
    this.jsonataCode = options.jsonataCode;
  }
}

interface JsonataErrorFields {
  code?: unknown;
  message?: unknown;
  position?: unknown;
  value?: unknown;
  value2?: unknown;
}

/**
 * The error to throw for what jsonata threw while evaluating `text`. jsonata writes the offending
 * value into some messages ("Unable to cast value to a number: \"440305…\""); that value is taken
 * out, because these messages end up in dead-letter headers and logs, where personal data must not.
 */
export function expressionErrorFromJsonata(error: unknown, text: string): HubError {
  if (error instanceof HubError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as JsonataErrorFields;
  let reason = typeof fields.message === 'string' && fields.message !== '' ? fields.message : String(error);
  for (const value of [fields.value, fields.value2]) {
    const shown = value === undefined ? undefined : JSON.stringify(value);
    if (shown !== undefined && shown.length > 0) reason = reason.split(shown).join('(value withheld)');
  }
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const where = typeof fields.position === 'number' ? ` at character ${fields.position}` : '';
  return new ExpressionEvaluationError(`expression ${quote(text)} failed${where}: ${reason}${code ? ` (${code})` : ''}`, {
    jsonataCode: code,
    cause: error,
  });
}

function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine);
}
