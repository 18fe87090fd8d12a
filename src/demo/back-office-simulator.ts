import http from 'node:http';
import express, { type Express } from 'express';
import { systemClock, type Clock } from '../core/clock.js';
import { ConfigError, HubError } from '../core/hub-error.js';
import { backOfficeApi } from './back-office-api.js';
import { bodyErrorHandler } from './body-error-handler.js';
import type { BackOfficeRecord, BackOfficeSimulatorOptions, Latency } from './back-office-simulator-options.js';
import { credentialsCheck } from './credentials-check.js';
import { sendError } from './error-response.js';
import { FaultInjector, type FailNextOptions, type RecordPredicate, type RejectionStatus } from './fault-injector.js';
import { IdempotencyStore } from './idempotency-store.js';
import { MonotonicClock } from './monotonic-clock.js';
import { RecordCollection, type ReceivedWrite } from './record-collection.js';
import { requestGate } from './request-gate.js';

export interface RequestStats {
  /** Every request that arrived, including those still waiting or held by `hang`. */
  total: number;
  /** Answered requests by HTTP status. */
  byStatus: Record<number, number>;
}

/** A back-office system on 127.0.0.1 that tests and demos drive the hub's connectors against. */
export class BackOfficeSimulator {
  readonly name: string;
  private readonly app: Express;
  private readonly collections = new Map<string, RecordCollection>();
  private readonly faults: FaultInjector;
  private readonly clock: Clock;
  /** Latency waits under way: going down aborts them, so that no answer is sent after. */
  private readonly waits = new Set<AbortController>();
  private readonly counts: RequestStats = { total: 0, byStatus: {} };
  private server: http.Server | undefined;
  private boundPort: number;
  private closing: Promise<void> | undefined;

  private constructor(options: BackOfficeSimulatorOptions) {
    this.name = options.name;
    this.boundPort = options.port ?? 0;
    this.clock = options.clock ?? systemClock;
    this.faults = new FaultInjector(options.latencyMs ?? 0, this.clock);
    const clock = new MonotonicClock(() => this.clock.now());
    const idPrefix = options.name.toUpperCase().replace(/[^A-Z0-9]+/g, '-');
    let lastId = 0;
    const newId = (): string => `${idPrefix}-${String(++lastId).padStart(6, '0')}`;
    for (const [collection, spec] of Object.entries(options.collections))
      this.collections.set(collection, new RecordCollection(collection, spec, clock, newId));
    this.app = this.buildApp(options);
  }

  static async start(options: BackOfficeSimulatorOptions): Promise<BackOfficeSimulator> {
    const simulator = new BackOfficeSimulator(options);
    await simulator.listen();
    return simulator;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Origin of the simulator, e.g. `http://127.0.0.1:41234`; the API lives under `/api`. */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  /** Writes accepted through the API, in arrival order. */
  received(collection: string): ReceivedWrite[] {
    return this.collection(collection).received();
  }

  /** Current records, in change order. */
  records(collection: string): BackOfficeRecord[] {
    return this.collection(collection).records();
  }

  /** A change made inside the back office itself, as its own users would: not in `received`. */
  upsert(collection: string, record: BackOfficeRecord): { id: string; version: number } {
    const target = this.collection(collection);
    const problems = target.problems(record);
    if (problems.length > 0) throw new ConfigError('SIMULATOR_RECORD_INVALID', `${this.name}: ${problems.join('; ')}`);
    const { id, version } = target.write(target.keyOf(record), record);
    return { id, version };
  }

  stats(): RequestStats {
    return structuredClone(this.counts);
  }

  failNext(count: number, status: number, options?: FailNextOptions): void {
    this.faults.failNext(count, status, options);
  }

  failFor(ms: number, status: number, options?: { retryAfterSeconds?: number }): void {
    this.faults.failFor(ms, status, options);
  }

  /** Ends a `failFor` window early (an outage that is over); counted failures and rejection rules stay. */
  endFailFor(): void {
    this.faults.endFailFor();
  }

  /** 'hang' holds every request unanswered until the client gives up or the simulator goes down. */
  setLatency(latency: Latency | 'hang'): void {
    this.faults.setLatency(latency);
  }

  /** Refuses matching records with a non-retriable 4xx; returns the function that lifts the rule. */
  rejectWhen(predicate: RecordPredicate, status: RejectionStatus = 422): () => void {
    return this.faults.rejectWhen(predicate, status);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Stops listening and drops open connections, so that clients see ECONNREFUSED or ECONNRESET. */
  async goDown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const wait of this.waits) wait.abort();
    this.waits.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port, with every record, log and count kept. */
  async comeBack(): Promise<void> {
    if (this.closing) throw new HubError('SIMULATOR_CLOSED', `${this.name}: the simulator is closed and cannot come back`);
    if (!this.server) await this.listen();
  }

  /** Stops everything, hanging requests and timers included; safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.faults.clear();
      await this.goDown();
    })();
    return this.closing;
  }

  private collection(name: string): RecordCollection {
    const collection = this.collections.get(name);
    if (!collection)
      throw new ConfigError(
        'SIMULATOR_UNKNOWN_COLLECTION',
        `${this.name} has no collection ${JSON.stringify(name)}; it has ${[...this.collections.keys()].join(', ')}`,
      );
    return collection;
  }

  private async listen(): Promise<void> {
    const server = http.createServer(this.app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new HubError('SIMULATOR_LISTEN_FAILED', `${this.name}: cannot listen on 127.0.0.1:${this.boundPort}`, { cause: error })),
      );
      server.listen(this.boundPort, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (typeof address === 'object' && address) this.boundPort = address.port;
    this.server = server;
  }

  private later(ms: number, action: () => void): void {
    const wait = new AbortController();
    this.waits.add(wait);
    void this.clock.sleep(ms, wait.signal).then(() => {
      this.waits.delete(wait);
      if (!wait.signal.aborted) action();
    });
  }

  private buildApp(options: BackOfficeSimulatorOptions): Express {
    const app = express();
    app.disable('x-powered-by');
    app.use(
      requestGate({
        name: this.name,
        faults: this.faults,
        now: () => this.clock.now(),
        later: (ms, action) => this.later(ms, action),
        arrived: () => (this.counts.total += 1),
        answered: (status) => (this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1),
      }),
    );
    if (options.auth) app.use(credentialsCheck(options.auth, this.name));
    app.use(express.json({ limit: '1mb' }));
    app.use(
      backOfficeApi({
        name: this.name,
        collections: this.collections,
        faults: this.faults,
        idempotency: new IdempotencyStore(),
        maxPageSize: options.maxPageSize ?? 100,
      }),
    );
    app.use((req, res) => sendError(res, 404, `${this.name}: no route for ${req.method} ${req.path}`));
    app.use(bodyErrorHandler(this.name));
    return app;
  }
}

export function startBackOfficeSimulator(options: BackOfficeSimulatorOptions): Promise<BackOfficeSimulator> {
  return BackOfficeSimulator.start(options);
}
