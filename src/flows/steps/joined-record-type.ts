import avro from 'avsc';

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The record type of a join's output, for checking the field names of the steps after it: the
 * fields of the flow's record with the other topic's record in the field `as` (nullable when an
 * unmatched message goes on with it null). It is named `crmhub.flow.<Record>With<As>` and is in no
 * catalog: nothing is written with it (a destination's record, or a `map` to a schema, decides
 * that). Undefined when either record is unknown or `as` is no Avro field name: the steps after
 * are then not checked, rather than checked against a guess.
 */
export function joinedRecordType(
  thisType: avro.Type | undefined,
  otherType: avro.Type | undefined,
  as: string,
  nullable: boolean,
): avro.Type | undefined {
  if (thisType?.typeName !== 'record' || otherType === undefined || !FIELD_NAME.test(as)) return undefined;
  const fields = (thisType as avro.types.RecordType).fields
    .filter((field) => field.name !== as)
    .map((field) => ({ name: field.name, type: field.type as unknown as avro.Schema }));
  const joined = (nullable ? ['null', otherType] : otherType) as unknown as avro.Schema;
  const name = `crmhub.flow.${thisType.name!.split('.').at(-1)!}With${as[0]!.toUpperCase()}${as.slice(1)}`;
  try {
    return avro.Type.forSchema({ type: 'record', name, fields: [...fields, { name: as, type: joined }] }, { registry: {} });
  } catch {
    return undefined;
  }
}
