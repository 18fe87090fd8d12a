/** The registry compatibility levels, named as Confluent-compatible registries name them. */
export type CompatibilityLevel =
  'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

/**
 * BACKWARD: the new schema reading data written with an existing version.
 * FORWARD: an existing version reading data written with the new schema.
 */
export type CompatibilityDirection = 'BACKWARD' | 'FORWARD';

/** Stable codes of the schema resolution rules a change can break; tools and tests match on them. */
export type CompatibilityRule =
  /** The reader has a field the writer lacks, with no default; the new schema added it. */
  | 'FIELD_ADDED_WITHOUT_DEFAULT'
  /** The reader has a field the writer lacks, with no default; the new schema removed it. */
  | 'FIELD_REMOVED_WITHOUT_DEFAULT'
  /** A reader field's name and aliases match more than one writer field. */
  | 'FIELD_ALIAS_AMBIGUOUS'
  /** The types cannot be resolved at all (string to int, record to array, long to int...). */
  | 'TYPE_CHANGED'
  /** The writer has enum symbols the (new) reader lacks, and the reader's enum has no default. */
  | 'ENUM_SYMBOL_REMOVED'
  /** The (new) writer has enum symbols the old reader lacks, and the old enum has no default. */
  | 'ENUM_SYMBOL_ADDED'
  /** A union branch of the writer has no counterpart in the (new) reader. */
  | 'UNION_BRANCH_REMOVED'
  /** A union branch of the (new) writer has no counterpart in the old reader. */
  | 'UNION_BRANCH_ADDED'
  /** A record, enum or fixed was renamed without the reader listing the old name as an alias. */
  | 'NAME_CHANGED'
  | 'FIXED_SIZE_CHANGED'
  /** A decimal's scale changed, or its precision narrowed. */
  | 'DECIMAL_CHANGED'
  /** One logical type replaced another on the same data (date to timestamp-millis...). */
  | 'LOGICAL_TYPE_CHANGED';

/** One reason a new schema is not compatible with an existing version. */
export interface CompatibilityIssue {
  /** Where, from the root record's short name: `Customer.phones[].type` (`[]` array items, `{}` map values). */
  path: string;
  rule: CompatibilityRule;
  /** A sentence naming the field, the old and new types, and which side cannot read which. */
  message: string;
  direction: CompatibilityDirection;
  /** The existing version the new schema was compared with. */
  version: number;
}
