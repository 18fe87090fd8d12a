import { expect } from 'chai';
import { ConfigError } from '../../../src/core/hub-error.js';
import {
  DEMO_EVENT_MIX,
  DemoTrickle,
  demoEventRate,
  type DemoEventKind,
  type DemoSystem,
  type TrickleTimer,
} from '../../../src/demo/demo-trickle.js';

/** A timer whose time moves only when the test says so; due actions run in time order. */
class ManualTimer implements TrickleTimer {
  private time = 0;
  private nextHandle = 0;
  private readonly due = new Map<number, { at: number; action: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(action: () => void, ms: number): unknown {
    const handle = ++this.nextHandle;
    this.due.set(handle, { at: this.time + ms, action });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }

  pending(): number {
    return this.due.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const [handle, next] = [...this.due].sort(([, a], [, b]) => a.at - b.at)[0] ?? [];
      if (handle === undefined || !next || next.at > end) break;
      this.due.delete(handle);
      this.time = next.at;
      next.action();
    }
    this.time = end;
  }
}

interface Recorded {
  events: Array<{ kind: DemoEventKind; bad: boolean; at: number }>;
  outages: Array<{ system: DemoSystem; durationMs: number; startedAt: number; endedAt?: number }>;
}

function trickleOn(
  timer: ManualTimer,
  options: Partial<ConstructorParameters<typeof DemoTrickle>[1]> & { eventsPerSecond: number },
): { trickle: DemoTrickle; recorded: Recorded } {
  const recorded: Recorded = { events: [], outages: [] };
  const trickle = new DemoTrickle(
    {
      emit: (kind, bad) => void recorded.events.push({ kind, bad, at: timer.now() }),
      outageStarted: (system, durationMs) => void recorded.outages.push({ system, durationMs, startedAt: timer.now() }),
      outageEnded: (system) => {
        const open = recorded.outages.find((outage) => outage.system === system && outage.endedAt === undefined);
        if (open) open.endedAt = timer.now();
      },
    },
    { timer, ...options },
  );
  return { trickle, recorded };
}

const systemOf = (kind: DemoEventKind): DemoSystem => DEMO_EVENT_MIX[kind].system;

describe('demo trickle (the demo after its seed)', () => {
  it('emits eventsPerSecond over a simulated minute, spread over every system of the mix', () => {
    const timer = new ManualTimer();
    const { trickle, recorded } = trickleOn(timer, { eventsPerSecond: 4 });
    trickle.start();
    timer.advance(60_000);
    trickle.stop();

    expect(recorded.events).to.have.length(240);
    const bySystem = new Map<DemoSystem, number>();
    for (const { kind } of recorded.events) bySystem.set(systemOf(kind), (bySystem.get(systemOf(kind)) ?? 0) + 1);
    expect([...bySystem.keys()]).to.have.members(['crm', 'policy-admin', 'claims', 'scm', 'service-desk']);
    // Each system's share is near its weight in the mix (within 10 points over 240 events).
    const total = Object.values(DEMO_EVENT_MIX).reduce((sum, { weight }) => sum + weight, 0);
    for (const [system, count] of bySystem) {
      const expected =
        Object.values(DEMO_EVENT_MIX)
          .filter((entry) => entry.system === system)
          .reduce((sum, { weight }) => sum + weight, 0) / total;
      expect(Math.abs(count / 240 - expected), `${system}: ${count} of 240`).to.be.below(0.1);
    }
    const kinds = new Set(recorded.events.map((event) => event.kind));
    expect([...kinds]).to.include.members([
      'new-customer',
      'address-change',
      'policy-issued',
      'policy-renewed',
      'claim-step',
      'stock-change',
      'ticket',
      'parts-reservation',
    ]);
    // Evenly paced: one every 250 ms, not a burst.
    expect(recorded.events.slice(0, 4).map((event) => event.at)).to.deep.equal([250, 500, 750, 1000]);
    expect(trickle.stats().bySystem.crm).to.equal(bySystem.get('crm'));
  });

  it('does nothing at rate 0, and nothing after stop', () => {
    const timer = new ManualTimer();
    const idle = trickleOn(timer, { eventsPerSecond: 0 });
    idle.trickle.start();
    timer.advance(600_000);
    expect(idle.recorded.events).to.deep.equal([]);
    expect(idle.recorded.outages).to.deep.equal([]);
    expect(timer.pending()).to.equal(0);

    const busy = trickleOn(timer, { eventsPerSecond: 2 });
    busy.trickle.start();
    timer.advance(10_000);
    busy.trickle.stop();
    const emitted = busy.recorded.events.length;
    expect(emitted).to.equal(20);
    timer.advance(600_000);
    expect(busy.recorded.events).to.have.length(emitted);
    expect(timer.pending()).to.equal(0);
  });

  it('makes about badRecordShare of the events bad', () => {
    const timer = new ManualTimer();
    const { trickle, recorded } = trickleOn(timer, { eventsPerSecond: 10, badRecordShare: 0.02 });
    trickle.start();
    timer.advance(1_000_000); // 10 000 events
    trickle.stop();
    const bad = recorded.events.filter((event) => event.bad).length;
    expect(recorded.events).to.have.length(10_000);
    expect(bad).to.be.within(140, 260);
    expect(trickle.stats().bad).to.equal(bad);
  });

  it('takes one system down for a while now and then, and brings it back', () => {
    const timer = new ManualTimer();
    const { trickle, recorded } = trickleOn(timer, { eventsPerSecond: 1, meanOutageGapMs: 60_000, outageMs: [5_000, 15_000] });
    trickle.start();
    timer.advance(30_000 - 1);
    expect(recorded.outages, 'none before half the mean gap').to.deep.equal([]);
    timer.advance(600_000);
    expect(recorded.outages.length).to.be.within(4, 12);
    for (const outage of recorded.outages.slice(0, -1)) {
      expect(outage.endedAt! - outage.startedAt)
        .to.equal(outage.durationMs)
        .and.to.be.within(5_000, 15_000);
    }
    // Never two at once: each starts after the previous one ended.
    for (let i = 1; i < recorded.outages.length; i++) expect(recorded.outages[i]!.startedAt).to.be.above(recorded.outages[i - 1]!.endedAt!);
    // Events keep coming during an outage: the system's own users go on working.
    const first = recorded.outages[0]!;
    expect(recorded.events.some((event) => event.at > first.startedAt && event.at < first.endedAt!)).to.equal(true);
  });

  it('ends an outage in progress when stopped, so that no system stays unreachable', () => {
    const timer = new ManualTimer();
    const { trickle, recorded } = trickleOn(timer, { eventsPerSecond: 1, meanOutageGapMs: 10_000, outageMs: [60_000, 60_000] });
    trickle.start();
    timer.advance(15_001);
    expect(recorded.outages).to.have.length(1);
    expect(recorded.outages[0]!.endedAt).to.equal(undefined);
    trickle.stop();
    expect(recorded.outages[0]!.endedAt).to.equal(timer.now());
    expect(timer.pending()).to.equal(0);
  });

  it('counts an event the target fails on and goes on', () => {
    const timer = new ManualTimer();
    let calls = 0;
    const trickle = new DemoTrickle(
      {
        emit: () => {
          calls += 1;
          if (calls === 2) throw new Error('simulator refused');
        },
        outageStarted: () => {},
        outageEnded: () => {},
      },
      { eventsPerSecond: 1, timer },
    );
    trickle.start();
    timer.advance(5_000);
    trickle.stop();
    expect(calls).to.equal(5);
    expect(trickle.stats().failed).to.equal(1);
  });

  it('reads CRM_HUB_DEMO_RATE: default 3, 0 stops, anything else not a rate is refused with the value', () => {
    expect(demoEventRate({})).to.equal(3);
    expect(demoEventRate({ CRM_HUB_DEMO_RATE: '0' })).to.equal(0);
    expect(demoEventRate({ CRM_HUB_DEMO_RATE: '0.5' })).to.equal(0.5);
    for (const bad of ['fast', '-1', 'Infinity']) {
      expect(() => demoEventRate({ CRM_HUB_DEMO_RATE: bad })).to.throw(
        ConfigError,
        `CRM_HUB_DEMO_RATE must be a number of events per second ≥ 0 (0 stops the demo's events), got "${bad}"`,
      );
    }
  });
});
