import type { Ajv } from 'ajv';
import { AGE_PATTERN, isPointInTime, POINT_IN_TIME_FORMS } from '../../operations/dead-letters/point-in-time.js';
import { createJsonSchemaAjv } from '../../platform/validation/json-schema-ajv.js';
import type { JsonSchema } from './api-route.js';

/** The format of a time range's bound (since, until): a date-time with zone, a date or an age. */
export const POINT_IN_TIME_FORMAT = 'point-in-time';

/**
 * The ajv of a route's parameters (`coerceTypes`: they arrive as text) or body, knowing the formats
 * these may declare, checked by the router before any handler runs, so that a day that is not in
 * the calendar (2026-02-30, 0000-00-00) is the caller's mistake (400) wherever a route takes a date
 * or an instant, never a handler's failure (500). `date` and `date-time` are ajv-formats' own (a
 * real calendar and clock check); `point-in-time` adds ages.
 */
export function requestAjv(options: { coerceTypes: boolean }): Ajv {
  const ajv = createJsonSchemaAjv({
    strictSchemas: false,
    useDefaults: true,
    coerceTypes: options.coerceTypes,
    formats: ['date', 'date-time'],
  });
  ajv.addFormat(POINT_IN_TIME_FORMAT, { type: 'string', validate: isPointInTime });
  return ajv;
}

/** A calendar day, YYYY-MM-DD. */
export const DATE_SCHEMA = { type: 'string', format: 'date', maxLength: 10 } as const satisfies JsonSchema;

/** A bound of a time range. */
// The forms are spelled out in `anyOf` too, so that a client (or a generator such as schemathesis) that
// does not know the custom format still knows which values are valid; the format makes the exact check.
export const POINT_IN_TIME_SCHEMA = {
  type: 'string',
  format: POINT_IN_TIME_FORMAT,
  maxLength: 40,
  anyOf: [{ format: 'date-time' }, { format: 'date' }, { pattern: AGE_PATTERN }],
} as const satisfies JsonSchema;

/** What the OpenAPI document says about these formats. */
export const REQUEST_FORMATS_DESCRIPTION = `Dates and instants are checked before a route runs, and a value that is not one answers 400 REQUEST_INVALID naming the parameter: \`format: date\` is a calendar day YYYY-MM-DD that exists (2026-02-30 and 0000-00-00 do not); \`format: date-time\` an RFC 3339 date-time with zone; \`format: ${POINT_IN_TIME_FORMAT}\` (since, until) ${POINT_IN_TIME_FORMS}.`;
