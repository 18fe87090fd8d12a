import avro from 'avsc';
import { closestNames } from '../core/closest-names.js';

/** What looking up a field name in values of an Avro type finds. */
export type FieldLookup =
  | { kind: 'found'; type: avro.Type }
  /** The type is a record (or records) without the field; `record` names it for messages. */
  | { kind: 'missing'; record: string; suggestions: string[] }
  /** The type has no fixed field names (a map, a string, a union of several kinds): nothing can be said. */
  | { kind: 'unknown' };

/**
 * The type of values inside `type` that a path step sees: arrays are looked through (JSONata maps
 * a step over every item) and a nullable union `["null", T]` is T.
 */
export function itemType(type: avro.Type): avro.Type {
  let current = type;
  for (;;) {
    if (current instanceof avro.types.ArrayType) current = current.itemsType;
    else if (avro.Type.isType(current, 'union')) {
      const branches = unionBranches(current).filter((branch) => branch.typeName !== 'null');
      if (branches.length !== 1) return current;
      current = branches[0] as avro.Type;
    } else return current;
  }
}

/** The field `name` as a JSONata path step finds it in values of `type`. */
export function lookupField(type: avro.Type, name: string): FieldLookup {
  const inner = itemType(type);
  if (inner instanceof avro.types.RecordType) {
    const field = inner.fields.find((candidate) => candidate.name === name);
    if (field) return { kind: 'found', type: field.type };
    return {
      kind: 'missing',
      record: inner.name ?? 'the record',
      suggestions: closestNames(
        name,
        inner.fields.map((candidate) => candidate.name),
        1,
      ),
    };
  }
  if (inner instanceof avro.types.MapType) return { kind: 'found', type: inner.valuesType as avro.Type };
  if (avro.Type.isType(inner, 'union')) {
    // A union of several records: the field is fine when any of them has it.
    const records = unionBranches(inner).filter((branch) => branch.typeName !== 'null');
    if (records.length === 0 || !records.every((branch) => branch instanceof avro.types.RecordType)) return { kind: 'unknown' };
    const having = (records as avro.types.RecordType[]).flatMap((record) => record.fields.filter((field) => field.name === name));
    if (having.length === 1) return { kind: 'found', type: (having[0] as avro.types.Field).type };
    if (having.length > 1) return { kind: 'unknown' };
    const names = (records as avro.types.RecordType[]).flatMap((record) => record.fields.map((field) => field.name));
    return {
      kind: 'missing',
      record: records.map((record) => record.name).join(' or '),
      suggestions: closestNames(name, new Set(names), 1),
    };
  }
  return { kind: 'unknown' };
}

function unionBranches(type: avro.Type): avro.Type[] {
  return (type as avro.types.UnwrappedUnionType).types;
}

/** `field fullNmae is not in crmhub.customer.Customer; did you mean fullName?` */
export function unknownFieldMessage(name: string, lookup: Extract<FieldLookup, { kind: 'missing' }>): string {
  const hint = lookup.suggestions.length > 0 ? `; did you mean ${lookup.suggestions[0]}?` : '';
  return `field ${name} is not in ${lookup.record}${hint}`;
}
