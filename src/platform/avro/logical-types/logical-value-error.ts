import { HubError } from '../../../core/hub-error.js';

/**
 * A value that a logical type cannot represent (a decimal with too many digits, an impossible date).
 * Bad data does not get better on retry, so it is never retriable; `reason` is the message without
 * the value, for callers that prefix their own field path.
 */
export class LogicalValueError extends HubError {
  readonly logicalType: string;
  readonly reason: string;

  constructor(logicalType: string, value: unknown, reason: string) {
    super('AVRO_LOGICAL_VALUE_INVALID', `${logicalType} cannot hold ${describeValue(value)}: ${reason}`, { retriable: false });
    this.logicalType = logicalType;
    this.reason = reason;
  }
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()})`;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (typeof value === 'bigint') return `${value}n`;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
