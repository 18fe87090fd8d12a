import type avro from 'avsc';
import { describeAvroType } from '../../platform/avro/avro-type-description.js';

/**
 * A value made to fit a record type: only the record's fields, a missing field given its default
 * (a nullable field its null), then checked. Each problem names the field path and the type it
 * needs — never the value, which may be personal data and ends up in dead-letter headers.
 */
export function fitToRecord(
  type: avro.types.RecordType,
  value: Record<string, unknown>,
): { value: Record<string, unknown>; problems: string[] } {
  const fitted: Record<string, unknown> = {};
  for (const field of type.fields) {
    const own = Object.hasOwn(value, field.name) ? value[field.name] : undefined;
    fitted[field.name] = own === undefined ? field.defaultValue() : own;
  }
  // Without an errorHook avsc checks on its fast path (no field paths kept): nearly every value is
  // valid, and only an invalid one is checked again to say why.
  if (type.isValid(fitted)) return { value: fitted, problems: [] };
  const problems: string[] = [];
  type.isValid(fitted, {
    errorHook: (path: string[], found: unknown, expected: avro.Type) => {
      problems.push(
        found === undefined
          ? `${path.join('.')}: missing (${describeAvroType(expected)})`
          : `${path.join('.')}: expected ${describeAvroType(expected)}`,
      );
    },
  });
  return { value: fitted, problems };
}
