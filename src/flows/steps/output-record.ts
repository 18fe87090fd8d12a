import avro from 'avsc';
import { unknownSchemaMessage } from '../flow-destination-check.js';
import type { StepCompileContext } from '../flow-step.js';

/**
 * The record a step's `schema:` names (map, aggregate), or undefined with the issue reported at
 * `schema`: a name no schema has (with the closest), or a schema that is not a record.
 */
export function outputRecordNamed(context: StepCompileContext, name: string, step: string): avro.types.RecordType | undefined {
  if (!context.schemas.has(name)) {
    context.report(['schema'], 'SCHEMA_UNKNOWN', unknownSchemaMessage(name, context.schemas));
    return undefined;
  }
  const type = context.schemas.type(name);
  if (!(type instanceof avro.types.RecordType)) {
    context.report(['schema'], 'VALUE_INVALID', `${name} is an Avro ${type.typeName}; ${step} produces records`);
    return undefined;
  }
  return type;
}
