import type avro from 'avsc';
import { explainInvalidValue } from './invalid-value-explanation.js';
import { AvroEncodeError, RecordDecodeError, type RecordOrigin } from './record-decode-error.js';

/**
 * Values of a topic that carries JSON text instead of Avro (`"format": "json"` in topics.json), for
 * systems that speak JSON on Kafka. The topic's record schema still says what a value is: a value
 * read is checked against it and normalised as Avro would give it (timestamps as UTC ISO text,
 * decimals at their scale, defaults filled in, unknown fields dropped), so that steps see the same
 * values from either kind of topic; a value written is checked the same way and reduced to the
 * schema's fields.
 */
export class JsonRecordCodec {
  constructor(
    private readonly type: avro.Type,
    private readonly schemaName: string,
  ) {}

  decode(bytes: Buffer | null, origin?: RecordOrigin): Record<string, unknown> {
    if (bytes === null) throw new RecordDecodeError('JSON_INVALID', origin, 'value is null (a tombstone), not a JSON record');
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      const hint = bytes[0] === 0 ? ' (it starts with the Confluent magic byte 0x00: Avro, not JSON?)' : '';
      throw new RecordDecodeError('JSON_INVALID', origin, `value is not JSON text: ${(error as Error).message}${hint}`);
    }
    const problems = this.problems(parsed);
    if (problems)
      throw new RecordDecodeError('JSON_RECORD_INVALID', origin, `value does not match ${this.schemaName}: ${problems.join('; ')}`);
    return this.type.clone(parsed) as Record<string, unknown>;
  }

  encode(value: unknown): Buffer {
    const problems = this.problems(value);
    if (problems) throw new AvroEncodeError(this.schemaName, problems);
    return Buffer.from(JSON.stringify(this.type.clone(value)));
  }

  /** Every failing path, or undefined when the value fits (the plain check first: avsc's errorHook takes its slow path). */
  private problems(value: unknown): string[] | undefined {
    if (this.type.isValid(value)) return undefined;
    const problems: string[] = [];
    this.type.isValid(value, {
      errorHook: (path, invalid, invalidType) =>
        problems.push(`${path.join('.') || '(root)'}: ${explainInvalidValue(invalidType, invalid)}`),
    });
    return problems;
  }
}
