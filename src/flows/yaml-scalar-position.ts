import type { TextPosition } from '../platform/config/config-yaml-reader.js';

/** How far ahead a character of the value is looked for in the source (quotes, escapes, indentation). */
const LOOKAHEAD = 80;

/**
 * Where the character at `offset` of a YAML string value is written in the file, given where the
 * value starts: so that a problem the expression compiler finds at character 14 of `filter: …`
 * points into the expression, not at its start. The value is aligned with its source character by
 * character, which skips what YAML adds around the text: quotes, escapes (`\"`, `''`), the header
 * and indentation of a block scalar. Folded line breaks and `\n` escapes are approximate.
 */
export function positionInScalar(text: string, valueStart: TextPosition, value: string, offset: number): TextPosition {
  const lineStarts = lineStartsOf(text);
  const start = (lineStarts[valueStart.line - 1] ?? 0) + valueStart.column - 1;
  let cursor = start;
  const indicator = text[start];
  if (indicator === '"' || indicator === "'") cursor = start + 1;
  else if (indicator === '|' || indicator === '>') cursor = text.indexOf('\n', start) + 1 || text.length;
  const target = Math.max(0, Math.min(offset, value.length));
  for (let index = 0; index <= target && index < value.length; index++) {
    const found = text.indexOf(value[index]!, cursor);
    const at = found >= 0 && found - cursor <= LOOKAHEAD ? found : cursor;
    if (index === target) {
      cursor = at;
      break;
    }
    cursor = at + 1;
  }
  return positionOfOffset(lineStarts, cursor);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function positionOfOffset(lineStarts: number[], offset: number): TextPosition {
  let line = 0;
  while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
  return { line: line + 1, column: offset - lineStarts[line]! + 1 };
}
