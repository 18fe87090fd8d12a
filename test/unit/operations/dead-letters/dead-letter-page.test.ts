import { expect } from 'chai';
import fc from 'fast-check';
import type { DeadLetterEntry } from '../../../../src/operations/dead-letters/dead-letter-entry.js';
import { pageOf, type DeadLetterOrder } from '../../../../src/operations/dead-letters/dead-letter-page.js';
import { summarize } from '../../../../src/operations/dead-letters/dead-letter-summary.js';
import { letter } from './dead-letter-fixtures.js';

const at = (minute: number) => new Date(Date.parse('2026-03-01T08:00:00.000Z') + minute * 60_000).toISOString();

function allPages(entries: DeadLetterEntry[], order: DeadLetterOrder, limit: number): string[] {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = pageOf(entries, { order, limit, ...(cursor ? { cursor } : {}) });
    seen.push(...page.items.map((item) => item.id));
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new RangeError('paging did not end');
}

describe('dead-letter pages', () => {
  const entries = [
    letter({ offset: 0, failedAt: at(1) }),
    letter({ offset: 1, failedAt: at(3) }),
    letter({ topic: 'dlq.flow.x', offset: 0, failedAt: at(2) }),
    letter({ offset: 2, failedAt: at(3) }),
  ];

  it('lists newest first by default, oldest first on request, ties by position', () => {
    expect(pageOf(entries, {}).items.map((item) => item.id)).to.deep.equal([
      'dlq.crm-main:0:2',
      'dlq.crm-main:0:1',
      'dlq.flow.x:0:0',
      'dlq.crm-main:0:0',
    ]);
    expect(pageOf(entries, { order: 'oldest' }).items.map((item) => item.id)).to.deep.equal([
      'dlq.crm-main:0:0',
      'dlq.flow.x:0:0',
      'dlq.crm-main:0:1',
      'dlq.crm-main:0:2',
    ]);
  });

  it('pages with a cursor that neither repeats nor skips when new dead letters arrive', () => {
    const first = pageOf(entries, { order: 'oldest', limit: 2 });
    expect(first).to.include({ matched: 4 });
    expect(first.items.map((item) => item.id)).to.deep.equal(['dlq.crm-main:0:0', 'dlq.flow.x:0:0']);
    const later = [...entries, letter({ offset: 3, failedAt: at(9) })];
    const second = pageOf(later, { order: 'oldest', limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((item) => item.id)).to.deep.equal(['dlq.crm-main:0:1', 'dlq.crm-main:0:2']);
    const third = pageOf(later, { order: 'oldest', limit: 2, cursor: second.nextCursor! });
    expect(third.items.map((item) => item.id)).to.deep.equal(['dlq.crm-main:0:3']);
    expect(third.nextCursor).to.equal(null);
  });

  it('shows every dead letter exactly once across pages, in order, whatever the page size', () => {
    const arbitraryEntries = fc.uniqueArray(
      fc.record({
        partition: fc.integer({ min: 0, max: 2 }),
        offset: fc.integer({ min: 0, max: 50 }),
        minute: fc.integer({ min: 0, max: 10 }),
      }),
      { selector: (e) => `${e.partition}:${e.offset}`, maxLength: 40 },
    );
    fc.assert(
      fc.property(
        arbitraryEntries,
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<DeadLetterOrder>('newest', 'oldest'),
        (specs, limit, order) => {
          const list = specs.map((spec) => letter({ partition: spec.partition, offset: spec.offset, failedAt: at(spec.minute) }));
          expect(allPages(list, order, limit)).to.deep.equal(pageOf(list, { order, limit: 1000 }).items.map((item) => item.id));
        },
      ),
      { seed: 4242, numRuns: 200 },
    );
  });

  it('refuses a cursor it did not give', () => {
    for (const cursor of [
      'nonsense',
      Buffer.from('12|not-an-id').toString('base64url'),
      Buffer.from('x|dlq.a:0:1').toString('base64url'),
    ]) {
      expect(() => pageOf(entries, { cursor }), cursor)
        .to.throw('cursor')
        .with.property('code', 'DEAD_LETTER_CURSOR_INVALID');
    }
  });

  it('counts per topic, error code and source, largest first', () => {
    const summary = summarize([
      ...entries,
      letter({ topic: 'dlq.flow.x', offset: 1, stage: 'flow:x', code: 'FLOW_STEP_FAILED', failedAt: at(5) }),
    ]);
    expect(summary.total).to.equal(5);
    expect(summary.byTopic).to.deep.equal([
      { topic: 'dlq.crm-main', count: 3, oldest: at(1), newest: at(3) },
      { topic: 'dlq.flow.x', count: 2, oldest: at(2), newest: at(5) },
    ]);
    expect(summary.byCode).to.deep.equal([
      { code: 'AVRO_VALUE_INVALID', count: 4 },
      { code: 'FLOW_STEP_FAILED', count: 1 },
    ]);
    expect(summary.bySource).to.deep.equal([
      { source: 'connector:crm-main', count: 4 },
      { source: 'flow:x', count: 1 },
    ]);
  });
});
