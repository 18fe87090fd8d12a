import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { describeError } from '../../core/hub-error.js';
import type { RecordHeaders } from '../../platform/kafka/kafka-client.js';
import { maskPersonalPatterns, maskRecord } from '../../platform/observability/pii-masking.js';
import { HEADER } from '../../platform/headers/record-headers.js';
import type { DeadLetterEntry, DeadLetterReason } from './dead-letter-entry.js';
import type { LatestAttempt } from './latest-attempt.js';
import { REPLAY_HEADER } from './replay-headers.js';

/**
 * A dead letter as a list shows it. Personal data never leaves unmasked: the key and the error
 * message are free text that may quote an ID number, a mobile or an e-mail address.
 */
export interface DeadLetterBrief {
  /** The dead letter: the position of its first record, the same for every attempt after a replay. */
  id: string;
  /** The record of its latest attempt (what topic, partition and offset locate). */
  latestId: string;
  /** Times it failed: its first failure and each failure after a replay. */
  attempts: number;
  /** When it failed first; reason.failedAt is the latest failure. */
  firstFailedAt: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  correlationId: string | null;
  /** The dead letter this record was replayed from, when it failed again after a replay. */
  replayedFrom: string | null;
  valueBytes: number;
  reason: DeadLetterReason;
}

/** The value decoded with its writer's schema, personal fields masked. */
export interface DecodedDeadLetterValue {
  format: 'avro';
  schemaId: number;
  schemaName: string;
  record: unknown;
  /** The fields masked as personal data (besides patterns found in any text). */
  maskedFields: string[];
}

/** Bytes that do not decode (not Avro, unknown schema id, registry away): as they are, and why. */
export interface UndecodedDeadLetterValue {
  format: 'base64';
  base64: string;
  reason: string;
}

export interface DeadLetterView extends DeadLetterBrief {
  headers: RecordHeaders;
  value: DecodedDeadLetterValue | UndecodedDeadLetterValue | null;
}

export function briefOf(entry: LatestAttempt): DeadLetterBrief {
  return {
    id: entry.identity,
    latestId: entry.id,
    attempts: entry.attempts,
    firstFailedAt: entry.firstFailedAt,
    topic: entry.topic,
    partition: entry.partition,
    offset: entry.offset,
    key: entry.key === null ? null : maskPersonalPatterns(entry.key.toString()),
    correlationId: entry.headers[HEADER.correlationId] ?? null,
    replayedFrom: entry.headers[REPLAY_HEADER.replayedFrom] ?? null,
    valueBytes: entry.value?.length ?? 0,
    reason: { ...entry.reason, errorMessage: maskPersonalPatterns(entry.reason.errorMessage) },
  };
}

/**
 * One dead letter in full. The value is masked with the personal fields of the original topic's
 * record and of the writer's record (they differ when the record failed for being on the wrong
 * topic), and every other text is scanned for personal patterns as well.
 */
export async function viewOf(entry: LatestAttempt, serde: AvroSerde, schemas: SchemaCatalog): Promise<DeadLetterView> {
  const headers = Object.fromEntries(Object.entries(entry.headers).map(([name, text]) => [name, maskPersonalPatterns(text)]));
  return { ...briefOf(entry), headers, value: await decodedValue(entry, serde, schemas) };
}

async function decodedValue(entry: DeadLetterEntry, serde: AvroSerde, schemas: SchemaCatalog): Promise<DeadLetterView['value']> {
  if (entry.value === null) return null;
  try {
    const decoded = await serde.decode(entry.value, entry);
    const maskedFields = [
      ...new Set([...piiPathsOfTopic(schemas, entry.reason.originalTopic), ...piiPathsOfRecord(schemas, decoded.schemaName)]),
    ].sort();
    return {
      format: 'avro',
      schemaId: decoded.schemaId,
      schemaName: decoded.schemaName,
      record: maskRecord(decoded.value, maskedFields),
      maskedFields,
    };
  } catch (error) {
    return { format: 'base64', base64: entry.value.toString('base64'), reason: maskPersonalPatterns(describeError(error).message) };
  }
}

function piiPathsOfTopic(schemas: SchemaCatalog, topic: string | null): string[] {
  if (topic === null || !schemas.topics().some((info) => info.topic === topic)) return [];
  return schemas.piiPaths(schemas.topicInfo(topic).record);
}

function piiPathsOfRecord(schemas: SchemaCatalog, name: string): string[] {
  return schemas.has(name) ? schemas.piiPaths(name) : [];
}
