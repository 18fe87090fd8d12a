import type avro from 'avsc';
import { missingFields, unknownSchemaMessage } from '../flow-destination-check.js';
import { flowDestinationSchema } from '../flow-file-schema.js';
import type { FlowDestination } from '../flow-message.js';
import type { StepCompileContext } from '../flow-step.js';
import { FlowTopics } from '../flow-topics.js';

/** A step option naming where messages go: one destination or a list, each like the flow's `to`. */
export const stepDestinationsSchema = {
  anyOf: [flowDestinationSchema, { type: 'array', minItems: 1, items: flowDestinationSchema }],
} as const;

export type StepDestinationConfig = { topic?: string; schema?: string; connector?: string };

/**
 * The destinations a step's option names (route's cases, a timeout's `then.to`, a join's
 * `onTimeout.to`), checked by the rules of the flow's `to`: a topic or a connector; a topic must
 * be declared, which gives the record to write with unless `schema` names one. When the record
 * type of the messages sent there is known (`messageType`), the destination's record must not
 * require a field they lack. Problems are reported at `path`; the destinations that are usable are returned.
 */
export function stepDestinations(
  value: StepDestinationConfig | StepDestinationConfig[],
  path: (string | number)[],
  context: StepCompileContext,
  messageType?: avro.Type,
): FlowDestination[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((destination, index) => {
    const at = Array.isArray(value) ? [...path, index] : path;
    const checked = checkDestination(destination, at, context, messageType);
    return checked ? [checked] : [];
  });
}

function checkDestination(
  destination: StepDestinationConfig,
  path: (string | number)[],
  context: StepCompileContext,
  messageType: avro.Type | undefined,
): FlowDestination | undefined {
  if ((destination.topic === undefined) === (destination.connector === undefined)) {
    context.report(path, 'VALUE_INVALID', 'a destination takes either "topic" or "connector"');
    return undefined;
  }
  if (destination.connector !== undefined) {
    if (destination.schema !== undefined)
      context.report([...path, 'schema'], 'VALUE_INVALID', '"schema" applies to topic destinations only');
    return { connector: destination.connector };
  }
  const topic = destination.topic as string;
  const topics = context.topics ?? new FlowTopics(context.schemas);
  const declared = topics.get(topic);
  if (!declared) context.report([...path, 'topic'], 'TOPIC_UNKNOWN', topics.undeclaredMessage(topic));
  let record = declared?.record;
  if (destination.schema !== undefined) {
    record = undefined;
    if (!context.schemas.has(destination.schema))
      context.report([...path, 'schema'], 'SCHEMA_UNKNOWN', unknownSchemaMessage(destination.schema, context.schemas));
    else if (context.schemas.type(destination.schema).typeName === 'record') record = context.schemas.type(destination.schema).name;
  }
  if (record !== undefined && messageType !== undefined) {
    const missing = missingFields(messageType, context.schemas.type(record));
    if (missing.length > 0)
      context.report(
        [...path, 'topic'],
        'FIELD_UNKNOWN',
        `${topic} takes ${record}, which requires ${missing.length === 1 ? 'field' : 'fields'} ${missing.join(', ')}; the messages sent here are ${messageType.name} without ${missing.length === 1 ? 'it' : 'them'}`,
      );
  }
  return destination.schema !== undefined ? { topic, schema: destination.schema } : { topic };
}
