import type { RecordHeaders } from '../platform/kafka/kafka-client.js';
import type { FlowMessage } from './flow-message.js';
import type { RecordSource } from './state/flow-state.js';

/**
 * A stateful step keeps state per key (a dedupe key, a group, a join key), but a flow's input is
 * keyed however its producer chose. So a flow is cut before each stateful step into stages: the
 * stage before writes each message to the step's repartition topic keyed by the step's key, and
 * the step's stage reads that topic. Every message of one key then reaches the same partition, the
 * same process and the same state partition, as Kafka Streams does for a `groupBy`. What the
 * message was (its key, topic and record) rides along in headers; values are JSON text.
 */
export function repartitionTopicName(flow: string, stepIndex: number): string {
  return `crm-hub.repartition.${flow}.steps-${stepIndex}`;
}

export const REPARTITION_TOPIC_PREFIX = 'crm-hub.repartition.';

export function isRepartitionTopic(topic: string): boolean {
  return topic.startsWith(REPARTITION_TOPIC_PREFIX);
}

const KEY = 'crm-hub-repartition-key';
const TOPIC = 'crm-hub-repartition-topic';
const SCHEMA = 'crm-hub-repartition-schema';
const SOURCE = 'crm-hub-repartition-source';
const INTERNAL = [KEY, TOPIC, SCHEMA, SOURCE];

/** The message as written to a repartition topic: keyed by `partitionKey`, its own key and origin in headers. */
export function toRepartitioned(message: FlowMessage, partitionKey: string | null): FlowMessage {
  const headers: RecordHeaders = { ...message.headers, [TOPIC]: message.topic };
  if (message.key !== null) headers[KEY] = message.key;
  if (message.schemaName) headers[SCHEMA] = message.schemaName;
  return { ...message, key: partitionKey, headers };
}

/** Notes, on a record about to be written to a repartition topic, where the record it came from was read. */
export function withSource(headers: RecordHeaders, source: RecordSource): RecordHeaders {
  return { ...headers, [SOURCE]: `${source.topic}:${source.partition}:${source.offset}` };
}

export interface Repartitioned {
  message: FlowMessage;
  source?: RecordSource;
}

/** A message read from a repartition topic, as the stage before had it. */
export function fromRepartitioned(value: Record<string, unknown>, headers: RecordHeaders): Repartitioned {
  const own: RecordHeaders = {};
  for (const [name, text] of Object.entries(headers)) if (!INTERNAL.includes(name)) own[name] = text;
  const message: FlowMessage = {
    key: headers[KEY] ?? null,
    value,
    headers: own,
    topic: headers[TOPIC] ?? '',
    ...(headers[SCHEMA] ? { schemaName: headers[SCHEMA] } : {}),
  };
  const source = parseSource(headers[SOURCE]);
  return { message, ...(source ? { source } : {}) };
}

/** The topic a record of a repartition topic was first read from (its own topic for any other record). */
export function originalTopicOf(record: { topic: string; headers: RecordHeaders }): string {
  return record.headers[TOPIC] ?? record.topic;
}

/** Where a record of a repartition topic came from, when it says. */
export function sourceOf(headers: RecordHeaders): RecordSource | undefined {
  return parseSource(headers[SOURCE]);
}

function parseSource(text: string | undefined): RecordSource | undefined {
  const match = text === undefined ? null : /^(.+):(\d+):(\d+)$/.exec(text);
  return match ? { topic: match[1]!, partition: Number(match[2]), offset: match[3]! } : undefined;
}
