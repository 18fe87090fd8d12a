import type { DeadLetterEntry } from './dead-letter-entry.js';

export interface DeadLetterTopicCount {
  topic: string;
  count: number;
  oldest: string;
  newest: string;
}

export interface DeadLetterSummary {
  total: number;
  byTopic: DeadLetterTopicCount[];
  byCode: { code: string; count: number }[];
  bySource: { source: string; count: number }[];
}

/** Where dead letters pile up and why: the first thing to look at after an incident. Largest counts first. */
export function summarize(entries: Iterable<DeadLetterEntry>): DeadLetterSummary {
  const topics = new Map<string, DeadLetterTopicCount & { oldestMs: number; newestMs: number }>();
  const codes = new Map<string, number>();
  const sources = new Map<string, number>();
  let total = 0;
  for (const entry of entries) {
    total++;
    const topic = topics.get(entry.topic) ?? {
      topic: entry.topic,
      count: 0,
      oldest: '',
      newest: '',
      oldestMs: Infinity,
      newestMs: -Infinity,
    };
    topic.count++;
    if (entry.failedAtMs < topic.oldestMs) [topic.oldestMs, topic.oldest] = [entry.failedAtMs, entry.reason.failedAt];
    if (entry.failedAtMs > topic.newestMs) [topic.newestMs, topic.newest] = [entry.failedAtMs, entry.reason.failedAt];
    topics.set(entry.topic, topic);
    codes.set(entry.reason.errorCode, (codes.get(entry.reason.errorCode) ?? 0) + 1);
    const source = entry.reason.stage ?? '(unknown)';
    sources.set(source, (sources.get(source) ?? 0) + 1);
  }
  return {
    total,
    byTopic: [...topics.values()]
      .map(({ topic, count, oldest, newest }) => ({ topic, count, oldest, newest }))
      .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic)),
    byCode: countsOf(codes).map(([code, count]) => ({ code, count })),
    bySource: countsOf(sources).map(([source, count]) => ({ source, count })),
  };
}

function countsOf(counts: Map<string, number>): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
