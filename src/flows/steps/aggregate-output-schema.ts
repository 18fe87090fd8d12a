import avro from 'avsc';
import { describeAvroType } from '../../platform/avro/avro-type-description.js';
import { outputRecordNamed } from './output-record.js';
import type { StepCompileContext } from '../flow-step.js';
import type { MeasureKind } from '../aggregate/measure-accumulator.js';
import type { MeasureDefinition } from './aggregate-measures.js';

const EVENT_METADATA = 'crmhub.common.EventMetadata';

/**
 * A value each output field certainly takes, to check the record's field types at compile time:
 * the window bounds are ISO text, counts whole numbers, a mean or percentile a fraction. Sums,
 * minima, maxima and `last` take the type of what they read, so only the record checks them, per window.
 */
const PROBES: Partial<Record<MeasureKind, unknown>> = { count: 1, countDistinct: 1, avg: 0.5, percentile: 0.5 };
const WINDOW_BOUND_PROBE = '2026-01-01T00:00:00.000Z';

/**
 * The record an aggregate step's `schema:` names, checked against what the step writes: every
 * field written must be in it with a type that can hold it (reported at the measure, or at
 * `schema` for the window bounds and group field), and every field of it without a default must be
 * written. A `meta` of type crmhub.common.EventMetadata is filled in by the step.
 */
export function resolveOutputRecord(
  context: StepCompileContext,
  schema: string,
  groupField: string,
  measures: readonly MeasureDefinition[],
): { record: avro.types.RecordType; fillMeta: boolean } | undefined {
  const type = outputRecordNamed(context, schema, 'aggregate');
  if (!type) return undefined;
  const fields = new Map(type.fields.map((field) => [field.name, field]));
  const metaType = fields.get('meta')?.type;
  const fillMeta = metaType instanceof avro.types.RecordType && metaType.name === EVENT_METADATA;
  const written: { name: string; path: (string | number)[]; probe?: unknown }[] = [
    { name: 'windowStart', path: ['schema'], probe: WINDOW_BOUND_PROBE },
    { name: 'windowEnd', path: ['schema'], probe: WINDOW_BOUND_PROBE },
    { name: groupField, path: ['schema'] },
    ...measures.map((measure) => ({ name: measure.name, path: ['measures', measure.name], probe: PROBES[measure.spec.kind] })),
  ];
  for (const { name, path, probe } of written) {
    const field = fields.get(name);
    if (!field) {
      context.report(path, 'FIELD_UNKNOWN', `${type.name} has no field ${name}, which the aggregate writes`);
    } else if (probe !== undefined && !field.type.isValid(probe)) {
      context.report(
        path,
        'VALUE_INVALID',
        `${type.name}.${name} is ${describeAvroType(field.type)}, which cannot hold ${typeof probe === 'string' ? 'an ISO instant' : typeof probe === 'number' && Number.isInteger(probe) ? 'a count' : 'a fraction'}`,
      );
    }
  }
  const writtenNames = new Set(written.map((field) => field.name));
  if (fillMeta) writtenNames.add('meta');
  const unset = type.fields
    .filter((field) => field.defaultValue() === undefined && !writtenNames.has(field.name))
    .map((field) => field.name);
  if (unset.length > 0)
    context.report(
      ['schema'],
      'REQUIRED_MISSING',
      `${type.name} requires ${unset.length === 1 ? 'field' : 'fields'} ${unset.join(', ')}, which the aggregate does not write`,
    );
  return { record: type, fillMeta };
}
