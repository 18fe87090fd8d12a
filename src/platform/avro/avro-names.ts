/** Names the Avro specification reserves for primitive types; they can never name a record, enum or fixed. */
export const PRIMITIVE_TYPE_NAMES: ReadonlySet<string> = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** `type` values that start a new definition rather than refer to an existing one. */
export const COMPLEX_TYPE_NAMES: ReadonlySet<string> = new Set(['record', 'error', 'enum', 'fixed', 'array', 'map']);

/** `type` values that define a named type (and therefore take part in namespace resolution). */
export const NAMED_TYPE_NAMES: ReadonlySet<string> = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * The full name a schema name denotes inside `namespace`, by the specification's rule: a name that
 * contains a dot is already full; any other name lives in the enclosing namespace. A leading dot
 * (accepted by avsc) forces the null namespace.
 */
export function qualifyName(name: string, namespace: string | undefined): string {
  if (name.includes('.')) return name.replace(/^\./, '');
  if (PRIMITIVE_TYPE_NAMES.has(name)) return name;
  return namespace ? `${namespace}.${name}` : name;
}

/** The namespace part of a full name ('' for the null namespace). */
export function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? '' : fullName.slice(0, dot);
}

/** The last component of a full name. */
export function shortNameOf(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}
