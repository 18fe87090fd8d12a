import { randomUUID } from 'node:crypto';
import type { HubProducer, IncomingRecord, RecordHeaders } from '../../platform/kafka/kafka-client.js';
import { describeError } from '../../core/hub-error.js';
import { withoutSecrets } from '../../platform/observability/secret-scrubbing.js';
import { newTraceparent } from '../../platform/headers/traceparent.js';
import { DEAD_LETTER_HEADER } from '../../platform/headers/dead-letter-headers.js';
import { HEADER } from '../../platform/headers/record-headers.js';
import { markAttempt } from './dead-letter-attempt.js';

export interface DeadLetter {
  key: Buffer | string | null;
  /** The original bytes, untouched, so that a replay sends exactly what failed. */
  value: Buffer | null;
  headers: RecordHeaders;
  error: unknown;
  attempts: number;
  originalTopic: string;
  originalPartition?: number;
  originalOffset?: string;
}

/**
 * Writes records that cannot go on to a dead-letter topic with headers that say who failed them,
 * why and where they came from. Nothing is lost: the flow or connector goes on with the rest.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: HubProducer,
    readonly topic: string,
    /** Who dead-lettered: `connector:<instance>` or `flow:<name>/<step>`. */
    private readonly stage: string,
  ) {}

  async publish(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    await this.producer.send(
      this.topic,
      letters.map((letter) => {
        const { code, message, retriable } = describeError(letter.error);
        const headers: RecordHeaders = {
          // A record that came in without them (written by something other than the hub) still gets traceable ids.
          [HEADER.correlationId]: randomUUID(),
          [HEADER.traceparent]: newTraceparent(),
          // A dead letter is read by whoever may browse dead letters: neither the reason nor a header
          // the record came with (a webhook's, a target's reply) may carry a secret of the hub.
          ...Object.fromEntries(Object.entries(letter.headers).map(([name, value]) => [name, withoutSecrets(value)])),
          [DEAD_LETTER_HEADER.stage]: this.stage,
          [DEAD_LETTER_HEADER.errorCode]: code,
          [DEAD_LETTER_HEADER.errorMessage]: withoutSecrets(message).slice(0, 2000),
          [DEAD_LETTER_HEADER.retriable]: String(retriable),
          [DEAD_LETTER_HEADER.attempts]: String(letter.attempts),
          [DEAD_LETTER_HEADER.originalTopic]: letter.originalTopic,
          [DEAD_LETTER_HEADER.failedAt]: failedAt,
        };
        if (letter.originalPartition !== undefined) headers[DEAD_LETTER_HEADER.originalPartition] = String(letter.originalPartition);
        if (letter.originalOffset !== undefined) headers[DEAD_LETTER_HEADER.originalOffset] = letter.originalOffset;
        markAttempt(headers, letter.originalTopic);
        return { key: letter.key, value: letter.value, headers };
      }),
    );
  }

  /** A consumed record that failed, with its origin taken from the record itself. */
  static fromRecord(record: IncomingRecord, error: unknown, attempts: number): DeadLetter {
    return {
      key: record.key,
      value: record.value,
      headers: record.headers,
      error,
      attempts,
      originalTopic: record.topic,
      originalPartition: record.partition,
      originalOffset: record.offset,
    };
  }
}
