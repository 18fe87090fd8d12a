import { HubError } from '../../core/hub-error.js';
import { withTimeout } from '../infra/with-timeout.js';
import type { HubAdmin } from './kafka-client.js';

/** A consumer group and the topics it reads: what lag is measured for. */
export interface ConsumerGroupRef {
  groupId: string;
  topics: readonly string[];
}

export interface PartitionLag {
  partition: number;
  /** The group's committed offset (the next record it will read); null when it never committed. */
  committed: string | null;
  /** The partition's end offset (high watermark). */
  end: string;
  lag: number;
}

export interface TopicLag {
  topic: string;
  lag: number;
  partitions: PartitionLag[];
}

export interface ConsumerGroupLag {
  groupId: string;
  /** Records on the group's topics that it has not consumed yet. */
  total: number;
  topics: TopicLag[];
  /** When the offsets were read from the broker. */
  at: string;
}

/** What the admin API needs of lag: narrow, so that tests can answer without a broker. */
export interface ConsumerLagSource {
  lag(group: ConsumerGroupRef): Promise<ConsumerGroupLag>;
}

export interface ConsumerLagOptions {
  /** A group's lag is read from the broker at most this often; callers in between share the answer. Default 5 s. */
  maxAgeMs?: number;
  /** An answer (or failure) slower than this is reported as unavailable rather than holding a status request. Default 3 s. */
  timeoutMs?: number;
  now?: () => number;
}

interface CachedLag {
  readAt: number;
  result: Promise<ConsumerGroupLag>;
}

/**
 * Consumer lag of a group from its committed offsets and the topics' end offsets. A dashboard
 * polls every couple of seconds and each group costs two admin requests per topic, so answers
 * (failures too: a broker that is away must not be asked on every poll) are cached for a while.
 */
export class ConsumerLagReader implements ConsumerLagSource {
  private readonly cache = new Map<string, CachedLag>();
  private readonly maxAgeMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly admin: Pick<HubAdmin, 'groupOffsets' | 'topicOffsets'>,
    options: ConsumerLagOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 5000;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.now = options.now ?? Date.now;
  }

  lag(group: ConsumerGroupRef): Promise<ConsumerGroupLag> {
    const now = this.now();
    this.forgetOlderThan(now - 10 * this.maxAgeMs);
    const key = `${group.groupId}\u0000${[...group.topics].sort().join('\u0000')}`;
    const cached = this.cache.get(key);
    if (cached && now - cached.readAt < this.maxAgeMs) return cached.result;
    const result = withTimeout(this.read(group), this.timeoutMs, `consumer lag of ${group.groupId}`).catch((error: unknown) => {
      throw new HubError(
        'CONSUMER_LAG_UNAVAILABLE',
        `consumer lag of group ${group.groupId}: ${error instanceof Error ? error.message : String(error)}`,
        { retriable: true, cause: error },
      );
    });
    // Kept even when it fails, so that the next callers get the failure from here until it is stale.
    result.catch(() => undefined);
    this.cache.set(key, { readAt: now, result });
    return result;
  }

  private async read(group: ConsumerGroupRef): Promise<ConsumerGroupLag> {
    const topics = await Promise.all(
      group.topics.map(async (topic): Promise<TopicLag> => {
        const [ends, committed] = await Promise.all([this.admin.topicOffsets(topic), this.admin.groupOffsets(group.groupId, topic)]);
        const committedBy = new Map(committed.map((entry) => [entry.partition, entry.offset]));
        const partitions = ends.map(({ partition, low, high }) => {
          const offset = committedBy.get(partition);
          const known = offset !== undefined && BigInt(offset) >= 0n ? offset : null;
          // The hub's groups start from the beginning, so a group that never committed has everything
          // still retained ahead of it; records removed by retention are not lag either way.
          const position = known === null || BigInt(known) < BigInt(low) ? BigInt(low) : BigInt(known);
          const ahead = BigInt(high) - position;
          return { partition, committed: known, end: high, lag: ahead > 0n ? Number(ahead) : 0 };
        });
        return { topic, lag: sum(partitions.map((p) => p.lag)), partitions };
      }),
    );
    return { groupId: group.groupId, total: sum(topics.map((t) => t.lag)), topics, at: new Date(this.now()).toISOString() };
  }

  private forgetOlderThan(cutoff: number): void {
    for (const [key, cached] of this.cache) if (cached.readAt < cutoff) this.cache.delete(key);
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
