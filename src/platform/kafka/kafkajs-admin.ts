import type { Admin, Kafka } from 'kafkajs';
import type { ExistingTopics } from './existing-topics.js';
import type { HubAdmin, TopicSpec } from './kafka-client.js';
import { withMetadataRetry } from './metadata-retry.js';
import { NO_JITTER, RetryPolicy } from '../retry/retry-policy.js';
import { retrying } from '../retry/retrying.js';

/** A connected HubAdmin on kafkajs; topics it deletes are forgotten by `existing`. */
export async function connectKafkajsAdmin(kafka: Kafka, existing: ExistingTopics): Promise<HubAdmin> {
  const admin = kafka.admin();
  await admin.connect();
  return {
    ensureTopics: (topics: TopicSpec[]) => ensureTopics(admin, topics),
    listTopics: () => admin.listTopics(),
    async topicOffsets(topic: string) {
      const offsets = await withMetadataRetry(() => admin.fetchTopicOffsets(topic));
      return offsets
        .map((entry) => ({ partition: entry.partition, low: entry.low, high: entry.high }))
        .sort((a, b) => a.partition - b.partition);
    },
    deleteTopics: async (topics: string[]) => {
      await admin.deleteTopics({ topics });
      for (const topic of topics) existing.note(topic, false);
    },
    async groupOffsets(groupId: string, topic: string) {
      const [entry] = await withMetadataRetry(() => admin.fetchOffsets({ groupId, topics: [topic] }));
      return (entry?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
    },
    async activeGroups() {
      const { groups } = await admin.listGroups();
      if (groups.length === 0) return [];
      const described = await admin.describeGroups(groups.map((group) => group.groupId));
      return described.groups.filter((group) => group.members.length > 0).map((group) => group.groupId);
    },
    disconnect: () => admin.disconnect(),
  };
}

/** Up to 20 tries, 100 ms to 1 s apart (about 16 s in all). */
const TOPIC_CREATION_RETRY = new RetryPolicy({ attempts: 20, initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2 }, NO_JITTER);

/** Creates the topics that do not exist yet, with their partitions and configs; existing ones are left as they are. */
async function ensureTopics(admin: Admin, topics: TopicSpec[]): Promise<void> {
  await retrying(
    TOPIC_CREATION_RETRY,
    async () => {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((spec) => !existing.has(spec.topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions ?? -1,
          replicationFactor: -1,
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    },
    {
      // A KRaft broker answers metadata for a topic it just created a moment later; kafkajs, waiting
      // for the leaders, takes UNKNOWN_TOPIC_OR_PARTITION for a failure. The topics exist: look again.
      retriable: (error) => (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION',
    },
  );
}
