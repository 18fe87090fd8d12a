import avro from 'avsc';
import { describeAvroType } from './avro-type-description.js';
import { JsonLogicalType } from './logical-types/json-logical-type.js';

/**
 * Why `value` is not valid for `type`, for the (path, value, type) that `isValid`'s errorHook
 * reports. avsc reports a union, not its logical branch, when no branch takes the value, so a
 * wrong date in a `["null", date]` field is explained through the branch.
 */
export function explainInvalidValue(type: avro.Type, value: unknown): string {
  if (type instanceof JsonLogicalType) return type.explain(value) ?? `not a valid ${type.describe()}`;
  if (avro.Type.isType(type, 'union')) {
    const reasons = (type as avro.types.UnwrappedUnionType).types
      .filter((branch): branch is JsonLogicalType => branch instanceof JsonLogicalType)
      .map((branch) => branch.explain(value))
      .filter((reason): reason is string => reason !== undefined);
    if (reasons.length > 0) return reasons.join('; ');
  }
  return `expected ${describeAvroType(type)}, got ${describeValue(value)}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
