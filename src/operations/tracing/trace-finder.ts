import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { describeError, HubError } from '../../core/hub-error.js';
import type { IncomingRecord, KafkaClient, OffsetRange, TopicScanner } from '../../platform/kafka/kafka-client.js';
import { HEADER } from '../../platform/headers/record-headers.js';
import { planScan } from './scan-plan.js';
import { hopOf, type TraceHop, type TraceMatch } from './trace-hop.js';
import { TraceQueryError } from './trace-query-error.js';
import { DEFAULT_TRACE_WINDOW_MS } from './trace-since.js';
import { timeline } from './trace-timeline.js';
import { TraceValueReader } from './trace-value-reader.js';
import { isTracedTopic } from './traced-topic.js';

export interface TraceQuery {
  /** Records whose correlation-id header is this. */
  correlationId?: string;
  /** Records whose Kafka key is this (and, with a customer resolver, every key of that customer). Both given: records matching either. */
  key?: string;
  /** Read records written from then on; default the last 24 hours. */
  since?: Date;
  /** Read at most this many records (the newest, when there are more); default DEFAULT_TRACE_LIMIT. */
  limit?: number;
  /** Decode the values and show them with personal data masked. */
  values?: boolean;
}

export interface TraceScanReport {
  topics: number;
  partitions: number;
  /** Records written since `since`, by offsets. */
  inRange: number;
  scanned: number;
  /** More records than the limit were in range: only the newest were read. */
  limitHit: boolean;
  /** Partitions not read to their end before the scan's time ran out. */
  unfinished: number;
  tookMs: number;
}

export interface Trace {
  query: { correlationId?: string; key?: string; keys: string[]; since: string; limit: number };
  /** Ordered by time, each timed from the one before and from the first. */
  hops: TraceHop[];
  /** The W3C trace ids the hops carry: one when the records are one chain of work. */
  traceIds: string[];
  correlationIds: string[];
  scan: TraceScanReport;
}

export interface TraceFinderDeps {
  /** The hub's KafkajsClient offers both. */
  client: KafkaClient & TopicScanner;
  schemas: SchemaCatalog;
  serde: AvroSerde;
  /** Every Kafka key of the customer a key identifies (see customerTraceKeys); none when it identifies none. */
  resolveCustomer?: (key: string) => string[];
  /** How long the reading may take before the trace answers with what it found; default 25 s. */
  scanTimeoutMs?: number;
}

export const DEFAULT_TRACE_LIMIT = 50_000;

/**
 * Finds where records went by reading the broker itself: every topic records travel through, from
 * `since` on, for records whose correlation-id header or key matches. Nothing is indexed ahead, so
 * nothing has to be kept up to date, and a trace sees exactly what is on the topics.
 */
export class TraceFinder {
  private readonly values: TraceValueReader;

  constructor(private readonly deps: TraceFinderDeps) {
    this.values = new TraceValueReader(deps.serde, deps.schemas);
  }

  async find(query: TraceQuery): Promise<Trace> {
    const started = Date.now();
    if (!query.correlationId && !query.key) throw new TraceQueryError('a trace needs a correlation id or a key to look for');
    const limit = query.limit ?? DEFAULT_TRACE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new TraceQueryError(`limit ${limit} is not a positive whole number`);
    const since = query.since ?? new Date(started - DEFAULT_TRACE_WINDOW_MS);
    const keys = new Set(query.key ? [query.key, ...(this.deps.resolveCustomer?.(query.key) ?? [])] : []);

    const found: { record: IncomingRecord; matchedBy: TraceMatch }[] = [];
    let scanned = 0;
    const { topics, spans, plan, unfinished } = await brokerWork(async () => {
      // Kafka finds offsets by timestamps from 0 on (negative ones mean latest or earliest, or are refused):
      // a time before 1970 means from the beginning.
      const { topics, spans } = await this.spansSince(Math.max(0, since.getTime()));
      const plan = planScan(spans, limit);
      const unfinished = await this.deps.client.scanRanges(
        plan.ranges,
        (records) => {
          scanned += records.length;
          for (const record of records) {
            const matchedBy = matchOf(record, query.correlationId, keys);
            if (matchedBy) found.push({ record, matchedBy });
          }
        },
        AbortSignal.timeout(this.deps.scanTimeoutMs ?? 25_000),
      );
      return { topics, spans, plan, unfinished };
    });

    const hops = await Promise.all(
      found.map(async ({ record, matchedBy }) =>
        query.values ? { ...hopOf(record, matchedBy), ...(await this.values.read(record)) } : hopOf(record, matchedBy),
      ),
    );
    const ordered = timeline(hops);
    return {
      query: { correlationId: query.correlationId, key: query.key, keys: [...keys], since: since.toISOString(), limit },
      hops: ordered,
      traceIds: distinct(ordered.map((hop) => hop.traceId)),
      correlationIds: distinct(ordered.map((hop) => hop.correlationId)),
      scan: {
        topics,
        partitions: spans.length,
        inRange: plan.inRange,
        scanned,
        limitHit: plan.limitHit,
        unfinished: unfinished.length,
        tookMs: Date.now() - started,
      },
    };
  }

  /** Every partition of every traced topic, from its first record at or after `since` to its current end. */
  private async spansSince(since: number): Promise<{ topics: number; spans: OffsetRange[] }> {
    const admin = await this.deps.client.admin();
    const topics = await admin.listTopics().finally(() => admin.disconnect());
    const traced = topics.filter(isTracedTopic).sort();
    return { topics: traced.length, spans: await this.deps.client.rangesSince(traced, since) };
  }
}

/** The broker's own errors say little to a caller: a trace that could not read is worth asking again later. */
async function brokerWork<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HubError) throw error;
    throw new HubError('TRACE_BROKER_UNAVAILABLE', `the trace could not read the topics: ${describeError(error).message}`, {
      retriable: true,
      cause: error,
    });
  }
}

function matchOf(record: IncomingRecord, correlationId: string | undefined, keys: ReadonlySet<string>): TraceMatch | undefined {
  if (correlationId !== undefined && record.headers[HEADER.correlationId] === correlationId) return 'correlation-id';
  if (keys.size > 0 && record.key !== null && keys.has(record.key.toString('utf8'))) return 'key';
  return undefined;
}

function distinct(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}
