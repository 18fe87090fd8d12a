import avro from 'avsc';
import { JsonLogicalType } from './logical-types/json-logical-type.js';

/** A short human description of a type for messages: `string`, `decimal(18,2)`, `array<crmhub.common.Phone>`, `union [null, string]`. */
export function describeAvroType(type: avro.Type): string {
  if (type instanceof JsonLogicalType) return type.describe();
  if (type instanceof avro.types.ArrayType) return `array<${describeAvroType(type.itemsType)}>`;
  if (type instanceof avro.types.MapType) return `map<${describeAvroType(type.valuesType as avro.Type)}>`;
  if (avro.Type.isType(type, 'union')) return `union [${(type as avro.types.UnwrappedUnionType).types.map(describeAvroType).join(', ')}]`;
  if (avro.Type.isType(type, 'logical')) return describeAvroType((type as avro.types.LogicalType).underlyingType);
  return type.name ?? type.typeName;
}
