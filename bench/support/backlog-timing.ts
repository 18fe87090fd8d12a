import type { HubAdmin } from '../../src/platform/kafka/kafka-client.js';
import { BenchError } from '../runner/bench-error.js';
import { topicEnds, waitForCommittedEnd } from './committed-end.js';

/** A consumer group under test, as the timing needs to see it. */
export interface TimedConsumer {
  groupId: string;
  pause(): void;
  resume(): void;
  /** Records it has started on so far (a counter that only grows). */
  received(): number;
  /**
   * The consumer groups that go on with what this one handed over (a stateful flow's later
   * stages, each on its repartition topic), in order: the work is done once each committed its topic's end.
   */
  next?(): { groupId: string; topic: string }[];
}

export interface BacklogTiming {
  records: number;
  seconds: number;
  perSecond: number;
}

/**
 * How long a warmed-up, paused consumer takes over a backlog: from the first record it takes after
 * `resume` (so the fetch loop's wake-up is not counted) until it has committed the whole backlog.
 * Only that is timed: group join, warm-up and producing the backlog happened before.
 */
export async function timeBacklog(
  admin: HubAdmin,
  topic: string,
  consumer: TimedConsumer,
  backlog: number,
  timeoutMs: number,
): Promise<BacklogTiming> {
  const ends = await topicEnds(admin, topic);
  const before = consumer.received();
  consumer.resume();
  const deadline = performance.now() + timeoutMs;
  while (consumer.received() === before) {
    if (performance.now() > deadline)
      throw new BenchError(
        'BENCH_CONSUMER_STALLED',
        `group ${consumer.groupId} took no record of ${topic} within ${Math.round(timeoutMs / 1000)} s of resuming`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const start = performance.now();
  const end = await waitForStages(
    admin,
    consumer,
    await waitForCommittedEnd(admin, consumer.groupId, topic, ends, { timeoutMs }),
    timeoutMs,
  );
  const seconds = (end - start) / 1000;
  return { records: backlog, seconds, perSecond: backlog / seconds };
}

/** Waits until the consumer has committed what the topic holds now (its warm-up), then pauses it. */
export async function warmUpAndPause(admin: HubAdmin, topic: string, consumer: TimedConsumer, timeoutMs: number): Promise<void> {
  await waitForCommittedEnd(admin, consumer.groupId, topic, await topicEnds(admin, topic), { timeoutMs });
  await waitForStages(admin, consumer, 0, timeoutMs);
  consumer.pause();
}

/** Once the first group is done (at `end`): waits for each later stage in turn; resolves with when the last was done. */
async function waitForStages(admin: HubAdmin, consumer: TimedConsumer, end: number, timeoutMs: number): Promise<number> {
  let done = end;
  // Each stage's topic is complete once the stage before it committed: its end then is all it will get.
  for (const stage of consumer.next?.() ?? [])
    done = await waitForCommittedEnd(admin, stage.groupId, stage.topic, await topicEnds(admin, stage.topic), { timeoutMs });
  return done;
}
