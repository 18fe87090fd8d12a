import { ConfigError } from '../../core/hub-error.js';

/** Where a dead letter sits: its topic, partition and offset are all that is needed to find it again. */
export interface DeadLetterPosition {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings. */
  offset: string;
}

/**
 * `<topic>:<partition>:<offset>`. Kafka topic names cannot hold a colon, so the id splits
 * unambiguously, and it reads well in a URL, a log line and a `dlq-replayed-from` header.
 */
export const DEAD_LETTER_ID_PATTERN = '^[A-Za-z0-9._-]{1,249}:\\d{1,9}:\\d{1,19}$';
const ID = new RegExp(DEAD_LETTER_ID_PATTERN);

/** A dead-letter topic's name: dlq.<something>, as Kafka allows topic names (249 characters at most). */
export const DEAD_LETTER_TOPIC_PATTERN = '^dlq\\.[A-Za-z0-9._-]{1,245}$';

/** The id of a record on a dead-letter topic: what the API takes, so that an id on another topic is refused by its schema. */
export const DEAD_LETTER_RECORD_ID_PATTERN = '^dlq\\.[A-Za-z0-9._-]{1,245}:\\d{1,9}:\\d{1,19}$';

export function formatDeadLetterId(position: DeadLetterPosition): string {
  return `${position.topic}:${position.partition}:${position.offset}`;
}

/** Throws ConfigError DEAD_LETTER_ID_INVALID naming the expected shape. */
export function parseDeadLetterId(id: string): DeadLetterPosition {
  if (!ID.test(id))
    throw new ConfigError(
      'DEAD_LETTER_ID_INVALID',
      `${JSON.stringify(id)} is not a dead-letter id: expected <topic>:<partition>:<offset>, e.g. dlq.crm-main:0:42`,
    );
  const [topic, partition, offset] = id.split(':') as [string, string, string];
  // Offsets as written by people may carry leading zeros; the id of a record never does.
  return { topic, partition: Number(partition), offset: BigInt(offset).toString() };
}
