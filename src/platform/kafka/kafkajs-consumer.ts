import type { Consumer, Kafka } from 'kafkajs';
import { HubError } from '../../core/hub-error.js';
import type { BatchHandler, ConsumerOptions, HubConsumer, PartitionAssignment } from './kafka-client.js';
import { toIncoming } from './kafkajs-records.js';
import { singleMemberAssigner } from './single-member-assigner.js';

/**
 * A connected, subscribed HubConsumer of a consumer group. `sessionTimeoutMs` (kafkajs's default
 * 30 s when undefined): group members unheard for this long lose their partitions.
 */
export async function connectKafkajsConsumer(kafka: Kafka, options: ConsumerOptions, sessionTimeoutMs?: number): Promise<HubConsumer> {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    ...sessionSettings(sessionTimeoutMs),
    // Whoever consumes a topic has created it first (a flow its inputs, a sink connector its topics).
    allowAutoTopicCreation: false,
    // A stopping consumer waits for its fetch in flight: a short long-poll keeps shutdown quick.
    maxWaitTimeInMs: 1000,
    // The hub decides about failures itself: a throwing handler must not be replayed silently.
    retry: { retries: 8, restartOnFailure: async () => false },
    ...(options.exclusive ? { partitionAssigners: [singleMemberAssigner()] } : {}),
  });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
  return new KafkajsConsumer(consumer, options);
}

/** The session timeout and a heartbeat a third of it (at most kafkajs's 3 s), so that a missed beat or two is not a failover. */
function sessionSettings(timeout: number | undefined): { sessionTimeout?: number; heartbeatInterval?: number } {
  return timeout === undefined ? {} : { sessionTimeout: timeout, heartbeatInterval: Math.min(3000, Math.floor(timeout / 3)) };
}

/** At least once: a batch's offsets are committed after its handler resolved, never before. */
class KafkajsConsumer implements HubConsumer {
  readonly crashed: Promise<never>;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumerOptions,
  ) {
    this.crashed = new Promise<never>((_, reject) => {
      consumer.on(consumer.events.CRASH, (event) => {
        const error = event.payload.error;
        const hubError = findHubError(error);
        reject(
          hubError ??
            new HubError('CONSUMER_CRASHED', `consumer group ${options.groupId} stopped: ${error.message}`, {
              retriable: true,
              cause: error,
            }),
        );
      });
    });
    // Whoever awaits `crashed` handles it; an unobserved crash must not kill the process.
    this.crashed.catch(() => undefined);
  }

  async run(handler: BatchHandler): Promise<void> {
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0 || isStale()) return;
        const records = batch.messages.map((message) => toIncoming(batch.topic, batch.partition, message));
        // kafkajs heartbeats only between batches: a batch handled for longer than the session
        // timeout (a slow sink, retries) got the member evicted, its commit refused and the batch
        // redelivered, again and again. Heartbeat while it is handled (sent when due, at most every
        // heartbeat interval); a failed one is noticed by the heartbeat after the batch.
        const beating = setInterval(() => void heartbeat().catch(() => undefined), 1000);
        try {
          await handler(
            { topic: batch.topic, partition: batch.partition, records },
            { heartbeat, isRunning: () => isRunning() && !isStale() },
          );
        } finally {
          clearInterval(beating);
        }
        const last = records[records.length - 1]!.offset;
        resolveOffset(last);
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      },
    });
  }

  onGroupJoin(listener: (assignment: PartitionAssignment) => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => listener(event.payload.memberAssignment));
  }

  pause(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  resume(): void {
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** kafkajs wraps what a handler threw in its own errors; the hub's typed error is in the cause chain. */
function findHubError(error: unknown): HubError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current instanceof HubError) return current;
  }
  return undefined;
}
