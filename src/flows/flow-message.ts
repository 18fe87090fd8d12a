import type { RecordHeaders } from '../platform/kafka/kafka-client.js';

/** Where a message goes: a topic (Avro with `schema`, else the schema of the message's record), or a sink connector instance. */
export type FlowDestination = { topic: string; schema?: string } | { connector: string };

/**
 * A message as flow steps see it: the decoded value in its JSON form (see schemas/README.md),
 * never bytes. Steps return new messages rather than changing the one they were given, so that a
 * retried message starts from the same input.
 */
export interface FlowMessage {
  key: string | null;
  value: Record<string, unknown>;
  headers: RecordHeaders;
  /** The topic the message was read from. */
  topic: string;
  /** Full name of the Avro record the value currently has, when known (changes after a `map` to a schema). */
  schemaName?: string;
  /** Set by `route`: where this message goes instead of the flow's default `to`. */
  destinations?: FlowDestination[];
  /** Goes to `destinations` as it is, skipping the steps after the one that made it (a timeout's `then`, a join's `onTimeout`). */
  final?: boolean;
}
