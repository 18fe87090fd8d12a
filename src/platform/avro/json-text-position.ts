import type { TextPosition } from './schema-errors.js';

/** Line and column of a character offset in a text, both 1-based. */
export function positionAt(text: string, offset: number): TextPosition {
  const before = text.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/**
 * Where JSON.parse stopped, read from its error: Node 20 says "at position 14", later versions
 * also "(line 3 column 3)". Undefined when the message carries neither (e.g. unexpected end).
 */
export function jsonSyntaxErrorPosition(text: string, error: unknown): TextPosition | undefined {
  const message = error instanceof Error ? error.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const offset = /at position (\d+)/.exec(message);
  if (offset) return positionAt(text, Number(offset[1]));
  if (/end of (JSON )?input/i.test(message)) return positionAt(text, text.length);
  return undefined;
}

/** Where a quoted string such as a type name first appears in JSON text, for pointing at a bad reference. */
export function quotedStringPosition(text: string, value: string): TextPosition | undefined {
  const offset = text.indexOf(JSON.stringify(value));
  return offset < 0 ? undefined : positionAt(text, offset);
}
