/** The cumulative counters a rate is derived from (what instance and flow statuses carry). */
export interface RecordCounts {
  recordsIn: number;
  recordsOut: number;
}

export interface Throughput {
  inPerSecond: number;
  outPerSecond: number;
  /** The span the rate was measured over: up to the window, a little more when samples are sparse. */
  overSeconds: number;
}

export interface ThroughputMeterOptions {
  /** Default 60 s. */
  windowMs?: number;
  /** At most one sample per key is kept per this much time, however often it is observed. Default 1 s. */
  resolutionMs?: number;
}

interface Sample {
  at: number;
  recordsIn: number;
  recordsOut: number;
}

/**
 * Records per second over the last minute, from cumulative counters sampled whenever someone
 * looks (a dashboard polls every few seconds), so the runners need no timers or histograms of
 * their own. Samples are bucketed by the resolution, which bounds memory whatever the polling.
 */
export class ThroughputMeter {
  private readonly samples = new Map<string, Sample[]>();
  private readonly windowMs: number;
  private readonly resolutionMs: number;

  constructor(options: ThroughputMeterOptions = {}) {
    this.windowMs = options.windowMs ?? 60_000;
    this.resolutionMs = options.resolutionMs ?? 1000;
  }

  observe(key: string, counts: RecordCounts, at: number): void {
    let samples = this.samples.get(key) ?? [];
    const last = samples.at(-1);
    if (last && at < last.at) return; // a clock step backwards: keep what was measured
    // Counters that went down belong to a new runner (a restarted or reloaded flow): measure from it.
    if (last && (counts.recordsIn < last.recordsIn || counts.recordsOut < last.recordsOut)) samples = [];
    this.samples.set(key, samples);
    const sample = { at, recordsIn: counts.recordsIn, recordsOut: counts.recordsOut };
    // Within one bucket the newest look replaces the one before, unless that one is the base the rate is measured from.
    const newest = samples.at(-1);
    if (samples.length > 1 && newest && Math.floor(newest.at / this.resolutionMs) === Math.floor(at / this.resolutionMs))
      samples[samples.length - 1] = sample;
    else samples.push(sample);
    // Keep one sample at or before the window's start, so the rate spans the whole window...
    const start = at - this.windowMs;
    while (samples.length > 2 && samples[1]!.at <= start) samples.shift();
    // ...but not one so old that the "last minute" would be an average over hours nobody looked.
    if (samples.length > 1 && samples[0]!.at < at - 2 * this.windowMs) samples.shift();
  }

  /** Undefined until two samples at least the resolution apart exist. */
  rate(key: string): Throughput | undefined {
    const samples = this.samples.get(key);
    const first = samples?.[0];
    const last = samples?.at(-1);
    if (!first || !last || last.at - first.at < this.resolutionMs) return undefined;
    const seconds = (last.at - first.at) / 1000;
    return {
      inPerSecond: round((last.recordsIn - first.recordsIn) / seconds),
      outPerSecond: round((last.recordsOut - first.recordsOut) / seconds),
      overSeconds: round(seconds),
    };
  }

  /** Drops the samples of keys not in `keys` (instances and flows that are gone). */
  retain(keys: Iterable<string>): void {
    const kept = new Set(keys);
    for (const key of this.samples.keys()) if (!kept.has(key)) this.samples.delete(key);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
