import { ConfigError, HubError } from '../../core/hub-error.js';
import type { KafkaClient } from '../../platform/kafka/kafka-client.js';
import { deadLetterEntry, type DeadLetterEntry } from './dead-letter-entry.js';
import { DEAD_LETTER_TOPIC_PREFIX, isDeadLetterTopic } from './dead-letter-filter.js';
import { parseDeadLetterId } from './dead-letter-id.js';
import { latestAttempts, type LatestAttempt } from './latest-attempt.js';

interface TopicOffsets {
  signature: string;
  empty: boolean;
}

interface TopicContents {
  /** The topic's partition offsets when it was read: unchanged offsets mean unchanged contents. */
  signature: string;
  generation: number;
  entries: DeadLetterEntry[];
  byPosition: Map<string, DeadLetterEntry>;
}

/**
 * Every dead letter of the broker's dlq.* topics, read from the broker and kept in memory. A topic
 * is read again only when its offsets moved (a new dead letter, or retention dropping old ones), so
 * browsing a quiet incident costs one metadata request, not a read of every topic.
 */
export class DeadLetterCatalog {
  private readonly contents = new Map<string, TopicContents>();
  private readonly reading = new Map<string, Promise<TopicContents>>();
  private generation = 0;
  private grouped: { key: string; byIdentity: Map<string, LatestAttempt> } | undefined;

  constructor(private readonly client: KafkaClient) {}

  /**
   * Each dead letter once, as its latest attempt, of one dead-letter topic or of all. Attempts are
   * grouped across every dlq.* topic (a replay to a chosen topic may fail into another one), so the
   * topic selects by where the latest attempt is.
   */
  async deadLetters(topic?: string): Promise<LatestAttempt[]> {
    if (topic !== undefined && !isDeadLetterTopic(topic))
      throw new ConfigError('DEAD_LETTER_TOPIC_INVALID', `${topic} is not a dead-letter topic (${DEAD_LETTER_TOPIC_PREFIX}*)`);
    const all = [...(await this.groupedByIdentity()).values()];
    return topic === undefined ? all : all.filter((deadLetter) => deadLetter.topic === topic);
  }

  /**
   * Dead letters by id, as their latest attempt: an id is a dead letter's identity (what lists show)
   * or the position of any of its attempts. An id that names none maps to undefined.
   */
  async resolve(ids: readonly string[]): Promise<Map<string, LatestAttempt | undefined>> {
    const records = await this.findAll(ids);
    const byIdentity = await this.groupedByIdentity();
    return new Map(
      ids.map((id) => {
        const identity = byIdentity.has(id) ? id : records.get(id)?.identity;
        return [id, identity === undefined ? undefined : byIdentity.get(identity)];
      }),
    );
  }

  /** The grouping of every dead-letter topic, done again only when one of them changed. */
  private async groupedByIdentity(): Promise<Map<string, LatestAttempt>> {
    const offsets = await this.offsetsOf(undefined);
    const contents = await Promise.all([...offsets].map(([name, topicOffsets]) => this.read(name, topicOffsets)));
    const key = [...offsets.keys()].map((name, n) => `${name}@${contents[n]!.generation}`).join(',');
    if (this.grouped?.key !== key)
      this.grouped = {
        key,
        byIdentity: new Map(
          latestAttempts(contents.flatMap((content) => content.entries)).map((deadLetter) => [deadLetter.identity, deadLetter]),
        ),
      };
    return this.grouped.byIdentity;
  }

  /** Records of the dead-letter topics by id (position), each topic read once; an id that names none maps to undefined. */
  private async findAll(ids: readonly string[]): Promise<Map<string, DeadLetterEntry | undefined>> {
    const positions = ids.map((id) => ({ id, ...parseDeadLetterId(id) }));
    for (const { topic } of positions)
      if (!isDeadLetterTopic(topic))
        throw new ConfigError('DEAD_LETTER_TOPIC_INVALID', `${topic} is not a dead-letter topic (${DEAD_LETTER_TOPIC_PREFIX}*)`);
    const offsets = await this.offsetsOf(new Set(positions.map((position) => position.topic)));
    const contents = new Map(
      await Promise.all([...offsets].map(async ([name, topicOffsets]) => [name, await this.read(name, topicOffsets)] as const)),
    );
    return new Map(
      positions.map(({ id, topic, partition, offset }) => [id, contents.get(topic)?.byPosition.get(`${partition}:${offset}`)]),
    );
  }

  /** Offsets of every dead-letter topic, or of `only` those that exist. */
  private async offsetsOf(only: ReadonlySet<string> | undefined): Promise<Map<string, TopicOffsets>> {
    try {
      const admin = await this.client.admin();
      try {
        const topics = (await admin.listTopics())
          .filter((name) => isDeadLetterTopic(name) && (only === undefined || only.has(name)))
          .sort();
        if (only === undefined) for (const name of this.contents.keys()) if (!topics.includes(name)) this.contents.delete(name);
        const offsets = await Promise.all(
          topics.map(async (name) => {
            const partitions = await admin.topicOffsets(name);
            const empty = partitions.every((p) => p.low === p.high);
            return [name, { signature: partitions.map((p) => `${p.partition}:${p.low}-${p.high}`).join(','), empty }] as const;
          }),
        );
        return new Map(offsets);
      } finally {
        await admin.disconnect();
      }
    } catch (error) {
      throw unreadable(only ? [...only].join(', ') : `${DEAD_LETTER_TOPIC_PREFIX}*`, error);
    }
  }

  private read(topic: string, { signature, empty }: TopicOffsets): Promise<TopicContents> {
    const known = this.contents.get(topic);
    if (known?.signature === signature) return Promise.resolve(known);
    const key = `${topic}\u0000${signature}`;
    let reading = this.reading.get(key);
    if (!reading) {
      const generation = ++this.generation;
      reading = this.load(topic, signature, empty, generation).finally(() => this.reading.delete(key));
      this.reading.set(key, reading);
    }
    return reading;
  }

  private async load(topic: string, signature: string, empty: boolean, generation: number): Promise<TopicContents> {
    let entries: DeadLetterEntry[];
    try {
      entries = empty ? [] : (await this.client.readToEnd(topic)).map(deadLetterEntry);
    } catch (error) {
      throw unreadable(topic, error);
    }
    const contents: TopicContents = {
      signature,
      generation,
      entries,
      byPosition: new Map(entries.map((entry) => [`${entry.partition}:${entry.offset}`, entry])),
    };
    // Reads of one topic may finish out of order: an older read must not replace a newer one.
    if ((this.contents.get(topic)?.generation ?? 0) < generation) this.contents.set(topic, contents);
    return contents;
  }
}

function unreadable(topic: string, error: unknown): HubError {
  if (error instanceof HubError) return error;
  return new HubError(
    'DEAD_LETTERS_UNREADABLE',
    `could not read ${topic} from the broker: ${error instanceof Error ? error.message : String(error)}`,
    { retriable: true, cause: error },
  );
}
