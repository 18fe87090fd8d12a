import { Ajv, type CodeOptions } from 'ajv';
import addFormatsModule, { type FormatName } from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the default arrives wrapped in its type.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export interface JsonSchemaAjvOptions {
  /**
   * Refuse a schema with an unknown keyword or format, so that a typo in one of our own specs
   * (`requierd`) is caught when it is compiled instead of silently validating nothing. Schemas
   * written elsewhere (in flow files, by connectors for their webhook bodies, for API routes) often
   * carry annotations ajv does not know, and are not strict.
   */
  strictSchemas: boolean;
  /** Put each `default` of the schema into the data. */
  useDefaults?: boolean;
  /** Read text as the declared type: query and path parameters arrive as text. */
  coerceTypes?: boolean;
  /** ajv-formats' formats to know; all of them when not given. */
  formats?: FormatName[];
  /** The engine `pattern` runs on, when not the platform's RegExp. */
  regExp?: CodeOptions['regExp'];
}

/**
 * Every ajv of the hub is made here, so that they report alike: every error at once (whoever fixes
 * a file or a request wants every problem; a dead letter names every failing field), `verbose` (the
 * failing schema on each error, where the known keys for a "did you mean" come from), and nothing
 * written to the console. Schemas are not kept by their `$id`: the same schema compiled twice (a
 * reloaded flow, two instances of one connector) is no conflict. What differs by use is an option.
 */
export function createJsonSchemaAjv(options: JsonSchemaAjvOptions): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    logger: false,
    addUsedSchema: false,
    useDefaults: options.useDefaults ?? false,
    coerceTypes: options.coerceTypes ?? false,
    ...(options.strictSchemas
      ? { strictSchema: true, strictNumbers: true, strictTypes: false, strictTuples: false, strictRequired: false }
      : { strict: false }),
    ...(options.regExp ? { code: { regExp: options.regExp } } : {}),
  });
  addFormats(ajv, options.formats);
  return ajv;
}
