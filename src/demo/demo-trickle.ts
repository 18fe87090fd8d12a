import { ConfigError } from '../core/hub-error.js';
import { seededRandom } from './crm-simulator.js';

/** What happens in the demo's back offices after the seed, one event at a time. */
export type DemoEventKind =
  'new-customer' | 'address-change' | 'policy-issued' | 'policy-renewed' | 'claim-step' | 'stock-change' | 'ticket' | 'parts-reservation';

export type DemoSystem = 'crm' | 'policy-admin' | 'claims' | 'scm' | 'service-desk' | 'erp';

/** Which system each kind of event happens in, and how often relative to the others. */
export const DEMO_EVENT_MIX: Readonly<Record<DemoEventKind, { system: DemoSystem; weight: number }>> = {
  'new-customer': { system: 'crm', weight: 3 },
  'address-change': { system: 'crm', weight: 3 },
  'policy-issued': { system: 'policy-admin', weight: 2 },
  'policy-renewed': { system: 'policy-admin', weight: 1 },
  'claim-step': { system: 'claims', weight: 3 },
  'stock-change': { system: 'scm', weight: 2 },
  ticket: { system: 'service-desk', weight: 2 },
  // A repair ticket waiting for parts: the hub's scm-reservations sink reserves them in the SCM.
  'parts-reservation': { system: 'service-desk', weight: 1 },
};

/** Systems an outage can hit: the ERP too, which only the hub writes to. */
export const DEMO_OUTAGE_SYSTEMS: readonly DemoSystem[] = ['crm', 'policy-admin', 'claims', 'scm', 'service-desk', 'erp'];

/** The default pace: a few events per second across the systems. */
export const DEFAULT_DEMO_EVENTS_PER_SECOND = 3;

/** Timers the trickle runs on; tests pass a fake one and move time by hand. */
export interface TrickleTimer {
  now(): number;
  setTimeout(action: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const REAL_TIMER: TrickleTimer = {
  now: () => Date.now(),
  setTimeout: (action, ms) => {
    const handle = setTimeout(action, ms);
    // The demo must not keep a stopping hub alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Where the trickle's decisions are carried out: the demo landscape's simulators. */
export interface DemoTrickleTarget {
  /** One event; `bad` asks for a record the hub must refuse (dead letter or quarantine). Failures are counted, not thrown on. */
  emit(kind: DemoEventKind, bad: boolean): void | Promise<void>;
  /** The system's API answers 503 from now until `outageEnded`. */
  outageStarted(system: DemoSystem, durationMs: number): void;
  outageEnded(system: DemoSystem): void;
}

export interface DemoTrickleOptions {
  eventsPerSecond: number;
  /** Share of events that carry a bad record, 0..1 (default 0.02). */
  badRecordShare?: number;
  /** Mean time between two outages (default 90 s); the actual gap is 0.5..1.5 times it. */
  meanOutageGapMs?: number;
  /** How long an outage lasts: [min, max] (default 5..15 s). */
  outageMs?: readonly [number, number];
  seed?: number;
  timer?: TrickleTimer;
}

export interface DemoTrickleStats {
  byKind: Record<DemoEventKind, number>;
  bySystem: Record<DemoSystem, number>;
  bad: number;
  failed: number;
  outages: Array<{ system: DemoSystem; startedAt: number; endedAt?: number }>;
}

/**
 * Keeps the demo's back offices busy after the seed: events at `eventsPerSecond`, spread over the
 * systems by DEMO_EVENT_MIX, a small share of them bad, and now and then one system unreachable
 * for some seconds. Rate 0 starts nothing.
 */
export class DemoTrickle {
  private readonly random: ReturnType<typeof seededRandom>;
  private readonly timer: TrickleTimer;
  private readonly intervalMs: number;
  private readonly badRecordShare: number;
  private readonly meanOutageGapMs: number;
  private readonly outageMs: readonly [number, number];
  private readonly kinds = Object.entries(DEMO_EVENT_MIX) as Array<[DemoEventKind, { system: DemoSystem; weight: number }]>;
  private readonly totalWeight = Object.values(DEMO_EVENT_MIX).reduce((sum, { weight }) => sum + weight, 0);
  private readonly counts: DemoTrickleStats;
  private nextEvent: unknown;
  private nextOutage: unknown;
  private outageEnd: unknown;
  private running = false;

  constructor(
    private readonly target: DemoTrickleTarget,
    options: DemoTrickleOptions,
  ) {
    const rate = options.eventsPerSecond;
    if (!Number.isFinite(rate) || rate < 0)
      throw new ConfigError('DEMO_RATE_INVALID', `the demo's event rate must be a number ≥ 0 (events per second), got ${rate}`);
    this.intervalMs = rate > 0 ? 1000 / rate : Infinity;
    this.badRecordShare = options.badRecordShare ?? 0.02;
    this.meanOutageGapMs = options.meanOutageGapMs ?? 90_000;
    this.outageMs = options.outageMs ?? [5_000, 15_000];
    this.random = seededRandom(options.seed ?? 20261207);
    this.timer = options.timer ?? REAL_TIMER;
    this.counts = {
      byKind: Object.fromEntries(this.kinds.map(([kind]) => [kind, 0])) as Record<DemoEventKind, number>,
      bySystem: Object.fromEntries(DEMO_OUTAGE_SYSTEMS.map((system) => [system, 0])) as Record<DemoSystem, number>,
      bad: 0,
      failed: 0,
      outages: [],
    };
  }

  start(): void {
    if (this.running || this.intervalMs === Infinity) return;
    this.running = true;
    this.scheduleEvent();
    this.scheduleOutage();
  }

  /** Stops events and ends an outage in progress, so that no system stays unreachable. */
  stop(): void {
    this.running = false;
    for (const handle of [this.nextEvent, this.nextOutage, this.outageEnd]) if (handle !== undefined) this.timer.clearTimeout(handle);
    this.nextEvent = this.nextOutage = undefined;
    const current = this.counts.outages.at(-1);
    if (this.outageEnd !== undefined && current && current.endedAt === undefined) this.endOutage(current);
    this.outageEnd = undefined;
  }

  stats(): DemoTrickleStats {
    return structuredClone(this.counts);
  }

  private scheduleEvent(): void {
    this.nextEvent = this.timer.setTimeout(() => {
      if (!this.running) return;
      this.emitOne();
      this.scheduleEvent();
    }, this.intervalMs);
  }

  private emitOne(): void {
    let pick = this.random.next() * this.totalWeight;
    const [kind, { system }] = this.kinds.find(([, { weight }]) => (pick -= weight) < 0) ?? (this.kinds[0] as (typeof this.kinds)[number]);
    const bad = this.random.next() < this.badRecordShare;
    this.counts.byKind[kind] += 1;
    this.counts.bySystem[system] += 1;
    if (bad) this.counts.bad += 1;
    try {
      void Promise.resolve(this.target.emit(kind, bad)).catch(() => (this.counts.failed += 1));
    } catch {
      this.counts.failed += 1;
    }
  }

  private scheduleOutage(): void {
    const gap = this.meanOutageGapMs * (0.5 + this.random.next());
    this.nextOutage = this.timer.setTimeout(() => {
      if (!this.running) return;
      const system = this.random.pick(DEMO_OUTAGE_SYSTEMS);
      const [min, max] = this.outageMs;
      const duration = min + Math.floor(this.random.next() * (max - min + 1));
      const outage = { system, startedAt: this.timer.now() } as DemoTrickleStats['outages'][number];
      this.counts.outages.push(outage);
      this.target.outageStarted(system, duration);
      this.outageEnd = this.timer.setTimeout(() => {
        this.outageEnd = undefined;
        this.endOutage(outage);
        if (this.running) this.scheduleOutage();
      }, duration);
    }, gap);
  }

  private endOutage(outage: DemoTrickleStats['outages'][number]): void {
    outage.endedAt = this.timer.now();
    this.target.outageEnded(outage.system);
  }
}

/** CRM_HUB_DEMO_RATE: events per second of the demo after its seed (default 3; 0 stops it). */
export function demoEventRate(env: NodeJS.ProcessEnv): number {
  const given = env.CRM_HUB_DEMO_RATE;
  if (given === undefined || given.trim() === '') return DEFAULT_DEMO_EVENTS_PER_SECOND;
  const rate = Number(given);
  if (!Number.isFinite(rate) || rate < 0)
    throw new ConfigError(
      'DEMO_RATE_INVALID',
      `CRM_HUB_DEMO_RATE must be a number of events per second ≥ 0 (0 stops the demo's events), got ${JSON.stringify(given)}`,
    );
  return rate;
}
