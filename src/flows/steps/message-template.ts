import type avro from 'avsc';
import type { CompiledExpression } from '../../expressions/compiled-expression.js';
import type { StepCompileContext } from '../flow-step.js';
import { allReady, type MaybePromise, whenReady } from '../../core/maybe-promise.js';
import { compileStepExpression } from './step-expression.js';

/** Text with `{expression}` placeholders, compiled: literal parts and expressions in order. */
export interface MessageTemplate {
  /** The placeholders, as written. */
  readonly expressions: readonly CompiledExpression[];
  /**
   * The text for `input`, each placeholder's value written by `write`; undefined as soon as
   * `write` returns undefined for one (a URL cannot be built without its customer id).
   */
  render(input: unknown, write: (value: unknown) => string | undefined): MaybePromise<string | undefined>;
}

type Part = string | CompiledExpression;

/**
 * Compiles a template such as `customer {customerId} changed: {status}`. `{{` and `}}` write
 * literal braces; a placeholder may itself contain braces and strings (`{ {"a": x}.a }`). Problems
 * are reported at `relativePath` with the character of the template where they are.
 */
export function compileMessageTemplate(
  context: StepCompileContext,
  relativePath: (string | number)[],
  template: string,
  inputType?: avro.Type,
): MessageTemplate {
  const parts: Part[] = [];
  let literal = '';
  let index = 0;
  while (index < template.length) {
    const character = template[index] as string;
    if ((character === '{' || character === '}') && template[index + 1] === character) {
      literal += character;
      index += 2;
      continue;
    }
    if (character === '}') {
      context.report(relativePath, 'EXPRESSION_INVALID', 'a "}" without its "{": write "}}" for a literal brace', { offset: index });
      index++;
      continue;
    }
    if (character !== '{') {
      literal += character;
      index++;
      continue;
    }
    const end = closingBrace(template, index);
    if (end === undefined) {
      context.report(relativePath, 'EXPRESSION_INVALID', 'a "{" without its "}": write "{{" for a literal brace', { offset: index });
      break;
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    const text = template.slice(index + 1, end);
    if (text.trim() === '') context.report(relativePath, 'EXPRESSION_INVALID', 'an empty placeholder "{}"', { offset: index });
    else
      parts.push(
        compileStepExpression(context, relativePath, text, { offset: index + 1, ...(inputType === undefined ? {} : { inputType }) }),
      );
    index = end + 1;
  }
  if (literal !== '') parts.push(literal);
  const expressions = parts.filter((part): part is CompiledExpression => typeof part !== 'string');
  return {
    expressions,
    render(input, write) {
      const values = allReady(parts.map((part) => (typeof part === 'string' ? part : part.evaluate(input))));
      return whenReady(values, (resolved) => {
        let text = '';
        for (const [position, part] of parts.entries()) {
          if (typeof part === 'string') {
            text += part;
            continue;
          }
          const written = write(resolved[position]);
          if (written === undefined) return undefined;
          text += written;
        }
        return text;
      });
    },
  };
}

/** The index of the `}` that closes the `{` at `open`, skipping nested braces and quoted strings. */
function closingBrace(template: string, open: number): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let index = open; index < template.length; index++) {
    const character = template[index];
    if (quote) {
      if (character === '\\') index++;
      else if (character === quote) quote = undefined;
    } else if (character === '"' || character === "'" || character === '`') {
      quote = character;
    } else if (character === '{') {
      depth++;
    } else if (character === '}') {
      depth--;
      if (depth === 0) return index;
    }
  }
  return undefined;
}
