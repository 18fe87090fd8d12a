import { expect } from 'chai';
import fc from 'fast-check';
import { EXACT_DISTINCT_LIMIT } from '../../../../src/flows/aggregate/distinct-count-accumulator.js';
import { HYPER_LOG_LOG_STANDARD_ERROR } from '../../../../src/flows/aggregate/hyper-log-log.js';
import { PERCENTILE_RELATIVE_ACCURACY } from '../../../../src/flows/aggregate/percentile-accumulator.js';
import type { FlowMessage } from '../../../../src/flows/flow-message.js';
import { aggregateStep } from '../../../../src/flows/steps/aggregate.js';
import { MemoryState, compileStep, fire, messageOf, run } from './step-harness.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-03-01T00:00:00Z');

interface Sale {
  dealer: number;
  /** Minutes after START. */
  minute: number;
  cents: number;
  wait: number;
  customer: number;
}

const sales = fc.array(
  fc.record({
    dealer: fc.integer({ min: 0, max: 3 }),
    minute: fc.integer({ min: 0, max: 6 * 60 - 1 }),
    cents: fc.integer({ min: -100_000, max: 100_000 }),
    wait: fc.double({ min: 0.5, max: 10_000, noNaN: true }),
    customer: fc.integer({ min: 0, max: 60 }),
  }),
  { minLength: 1, maxLength: 150 },
);

const config = {
  groupBy: 'dealerCode',
  window: { tumbling: '1h' },
  measures: {
    n: { count: true },
    paid: { sum: 'amountPaid' },
    fastest: { min: 'waitMinutes' },
    slowest: { max: 'waitMinutes' },
    p90: { percentile: { of: 'waitMinutes', p: 0.9 } },
    customers: { countDistinct: 'customerId' },
  },
};

const messageFor = (sale: Sale): FlowMessage =>
  messageOf('service.request.v1', {
    meta: { occurredAt: new Date(START + sale.minute * 60_000).toISOString() },
    dealerCode: `D${sale.dealer}`,
    amountPaid: (sale.cents / 100).toFixed(2),
    waitMinutes: sale.wait,
    customerId: `C${sale.customer}`,
  });

const windowOf = (sale: Sale): string => `D${sale.dealer} ${new Date(START + Math.floor(sale.minute / 60) * HOUR).toISOString()}`;

/** Runs the sales in the order given, then lets the stream go quiet until every window closed; the finals by `dealer windowStart`, and the failure codes. */
async function aggregateAll(sales: Sale[], grace: string): Promise<{ finals: Map<string, Record<string, unknown>>; failures: string[] }> {
  const state = new MemoryState({ now: START + 7 * HOUR, idleTimeoutMs: 60_000 });
  const { step, issues } = await compileStep(aggregateStep, { ...config, grace }, { state });
  expect(issues).to.deep.equal([]);
  const failures: string[] = [];
  for (const sale of sales) {
    try {
      expect(await run(step, messageFor(sale), state)).to.deep.equal([]);
    } catch (error) {
      failures.push((error as { code: string }).code);
    }
  }
  await state.clock.advance(3 * 24 * HOUR);
  const finals = new Map<string, Record<string, unknown>>();
  for (const message of await fire(step, state)) {
    const key = `${String(message.value.dealerCode)} ${String(message.value.windowStart)}`;
    expect(finals.has(key), `${key} emitted twice`).to.equal(false);
    finals.set(key, message.value);
  }
  return { finals, failures };
}

describe('aggregate step: final values against the exact answers', () => {
  it('gives each window exactly its count, sum, min and max, its percentile within 1 % and its distinct count exactly (at most 61 values)', async () => {
    await fc.assert(
      fc.asyncProperty(sales, async (generated) => {
        const { finals, failures } = await aggregateAll(generated, '1d');
        expect(failures).to.deep.equal([]);
        const byWindow = new Map<string, Sale[]>();
        for (const sale of generated) byWindow.set(windowOf(sale), [...(byWindow.get(windowOf(sale)) ?? []), sale]);
        expect([...finals.keys()].sort()).to.deep.equal([...byWindow.keys()].sort());
        for (const [window, members] of byWindow) {
          const final = finals.get(window)!;
          const waits = members.map((sale) => sale.wait).sort((a, b) => a - b);
          const cents = members.reduce((total, sale) => total + sale.cents, 0);
          expect(final.n, window).to.equal(members.length);
          expect(final.paid, window).to.equal((cents / 100).toFixed(2));
          expect(final.fastest, window).to.equal(waits[0]);
          expect(final.slowest, window).to.equal(waits.at(-1));
          const exact = waits[Math.floor(0.9 * (waits.length - 1))]!;
          expect(Math.abs((final.p90 as number) - exact), window).to.be.at.most(exact * PERCENTILE_RELATIVE_ACCURACY * (1 + 1e-9));
          expect(final.customers, window).to.equal(new Set(members.map((sale) => sale.customer)).size);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('counts distinct values beyond the exact limit within three standard errors of the HyperLogLog (≈ 1.6 % each)', async function () {
    // Thousands of records, each through the state as in production: seconds on a loaded machine.
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: EXACT_DISTINCT_LIMIT + 1, max: 2000 }),
        fc.integer({ min: 0, max: 1000 }),
        async (distinct, seed) => {
          const generated = Array.from({ length: distinct }, (_, index) => ({
            dealer: 0,
            minute: index % 60,
            cents: 0,
            wait: 1,
            customer: seed * 10_000 + index,
          }));
          const { finals } = await aggregateAll(generated, '1d');
          const estimate = finals.get(windowOf(generated[0]!))!.customers as number;
          expect(Math.abs(estimate - distinct) / distinct, `${estimate} of ${distinct}`).to.be.at.most(3 * HYPER_LOG_LOG_STANDARD_ERROR);
        },
      ),
      { numRuns: 3 },
    );
  });

  it('counts every record out of order in its window or dead-letters it LATE_RECORD: none is lost (grace 0)', async () => {
    await fc.assert(
      fc.asyncProperty(sales, async (generated) => {
        const { finals, failures } = await aggregateAll(generated, '0s');
        // Late exactly when an earlier record's event time (the watermark) reached the record's window end.
        let watermark = -Infinity;
        const counted = new Map<string, number>();
        let late = 0;
        for (const sale of generated) {
          const end = START + (Math.floor(sale.minute / 60) + 1) * HOUR;
          if (watermark >= end) late += 1;
          else counted.set(windowOf(sale), (counted.get(windowOf(sale)) ?? 0) + 1);
          watermark = Math.max(watermark, START + sale.minute * 60_000);
        }
        expect(failures).to.deep.equal(Array<string>(late).fill('LATE_RECORD'));
        expect(new Map([...finals].map(([window, final]) => [window, final.n]))).to.deep.equal(counted);
      }),
      { numRuns: 40 },
    );
  });
});
