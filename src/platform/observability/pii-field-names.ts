/**
 * The names of the fields marked `"pii": true` in schemas/ when this list was last compared with
 * them (test/unit/observability/pii-field-names.test.ts fails when a schema adds one): what logs
 * mask before a catalog is loaded, and where none is.
 */
export const FALLBACK_PII_FIELD_NAMES: ReadonlySet<string> = new Set([
  'birthDate',
  'callerName',
  'callerPhone',
  'contactEmail',
  'contactPhone',
  'description',
  'detail',
  'email',
  'fullName',
  'holderName',
  'idNumber',
  'lossDescription',
  'lossLocation',
  'mobile',
  'name',
  'number',
  'plate',
  'primaryPhone',
  'street',
  'taxId',
  'vehiclePlate',
  'vehiclePlates',
  'vin',
]);

/**
 * Personal names in the records that also name the hub's own things: a connector instance, a flow,
 * a problem's detail. Under these a value shaped like an identifier (`crm-golden`, `timeout`) is not
 * masked; anything else (张伟, 0755-86001234, free text) is.
 */
export const GENERIC_PII_FIELD_NAMES: ReadonlySet<string> = new Set(['name', 'number', 'description', 'detail']);

/**
 * What piiFieldNames reads of the schema catalog (platform/avro's SchemaCatalog has it): logging
 * sits below the schemas, so it names only the two questions it asks.
 */
export interface PiiPathCatalog {
  names(): readonly string[];
  /** The dotted paths of the fields marked `"pii": true` under a named type. */
  piiPaths(name: string): readonly string[];
}

/**
 * The names of fields that are personal in some record of the catalog (`phones[].number` gives
 * `number`), or the fallback list without a catalog. A log line does not say which record a value
 * came from, so a name personal anywhere is masked everywhere (see GENERIC_PII_FIELD_NAMES).
 */
export function piiFieldNames(catalog?: PiiPathCatalog): ReadonlySet<string> {
  if (!catalog) return FALLBACK_PII_FIELD_NAMES;
  return new Set(catalog.names().flatMap((name) => catalog.piiPaths(name).map(lastFieldName)));
}

function lastFieldName(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).replace(/(\[\]|\{\})+$/, '');
}

const logged = new Set(FALLBACK_PII_FIELD_NAMES);

/** The names every logger of this process masks unless it is given its own: the fallback list and whatever was registered since. */
export const loggedPiiFieldNames: ReadonlySet<string> = logged;

/** Adds the personal field names of the loaded schemas (`registerPiiFieldNames(piiFieldNames(catalog))` at start) to what loggers mask. */
export function registerPiiFieldNames(names: Iterable<string>): void {
  for (const name of names) logged.add(name);
}
