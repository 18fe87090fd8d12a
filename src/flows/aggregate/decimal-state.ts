import { ExactDecimal } from './exact-decimal.js';
import type { StateReader, StateWriter } from './state-bytes.js';

/** An exact decimal in stored state: its plain text, which loses nothing and reads back checked. */
export function writeDecimal(writer: StateWriter, decimal: ExactDecimal): StateWriter {
  return writer.text(decimal.text());
}

export function readDecimal(reader: StateReader): ExactDecimal {
  const text = reader.text();
  return ExactDecimal.parse(text) ?? reader.fail(`${JSON.stringify(text.slice(0, 40))} is not a decimal`);
}
