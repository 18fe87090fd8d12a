import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentileSummary, type PercentileSummary } from './percentile-summary.js';

export interface ArrivalSummary {
  runId: string;
  /** Distinct events that arrived (at least once). */
  arrived: number;
  /** Further deliveries of an event that had already arrived (at-least-once redelivery). */
  duplicates: number;
  /** Arrival minus send time (the body's meta.occurredAt) of each event's first delivery, in milliseconds. */
  latency: PercentileSummary;
  /** Events per second from the first event's send time to the last arrival. */
  deliveredPerSecond: number;
}

interface Run {
  firstArrivalMs: Map<string, number>;
  earliestSentAt: number;
  lastArrivalAt: number;
  duplicates: number;
}

/**
 * The far end of the hub: an HTTP server that an http-sink delivers to, timestamping each arrival
 * against the send time the body carries. Events are grouped by run: an event id is `<run id>.<n>`.
 */
export class ArrivalRecorder {
  private readonly runs = new Map<string, Run>();
  private unreadable = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ArrivalRecorder> {
    const server = http.createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const arrivedAt = Date.now();
        // Requests arrive only once the server listens, by when `recorder` below is set.
        const known = recorder.record(Buffer.concat(chunks).toString('utf8'), arrivedAt);
        response
          .writeHead(known ? 200 : 400, { 'content-type': 'application/json' })
          .end(known ? '{"status":"received"}' : '{"error":"no meta.eventId and meta.occurredAt"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const recorder = new ArrivalRecorder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/arrivals`);
    return recorder;
  }

  /** Resolves once `expected` distinct events of the run arrived, or after the timeout with what did. */
  async waitFor(runId: string, expected: number, timeoutMs: number): Promise<ArrivalSummary> {
    const deadline = performance.now() + timeoutMs;
    while ((this.runs.get(runId)?.firstArrivalMs.size ?? 0) < expected && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return this.summary(runId);
  }

  summary(runId: string): ArrivalSummary {
    const run = this.runs.get(runId);
    if (!run) return { runId, arrived: 0, duplicates: 0, latency: percentileSummary([]), deliveredPerSecond: 0 };
    const latencies = [...run.firstArrivalMs.values()];
    return {
      runId,
      arrived: latencies.length,
      duplicates: run.duplicates,
      latency: percentileSummary(latencies),
      deliveredPerSecond: latencies.length / Math.max((run.lastArrivalAt - run.earliestSentAt) / 1000, 0.001),
    };
  }

  get unreadableBodies(): number {
    return this.unreadable;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private record(text: string, arrivedAt: number): boolean {
    let meta: { eventId?: unknown; occurredAt?: unknown } | undefined;
    try {
      meta = (JSON.parse(text) as { meta?: typeof meta }).meta;
    } catch {
      meta = undefined;
    }
    const sentAt = typeof meta?.occurredAt === 'string' ? Date.parse(meta.occurredAt) : Number.NaN;
    const eventId = typeof meta?.eventId === 'string' ? meta.eventId : '';
    if (Number.isNaN(sentAt) || !eventId.includes('.')) {
      this.unreadable++;
      return false;
    }
    const runId = eventId.slice(0, eventId.lastIndexOf('.'));
    let run = this.runs.get(runId);
    if (!run) {
      run = { firstArrivalMs: new Map(), earliestSentAt: sentAt, lastArrivalAt: arrivedAt, duplicates: 0 };
      this.runs.set(runId, run);
    }
    if (run.firstArrivalMs.has(eventId)) run.duplicates++;
    else run.firstArrivalMs.set(eventId, arrivedAt - sentAt);
    run.earliestSentAt = Math.min(run.earliestSentAt, sentAt);
    run.lastArrivalAt = Math.max(run.lastArrivalAt, arrivedAt);
    return true;
  }
}
