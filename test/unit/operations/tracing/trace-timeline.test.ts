import { expect } from 'chai';
import type { HopStage } from '../../../../src/operations/tracing/hop-stage.js';
import type { TraceHop } from '../../../../src/operations/tracing/trace-hop.js';
import { timeline } from '../../../../src/operations/tracing/trace-timeline.js';

function hop(topic: string, at: string, stage: HopStage, offset = '0'): TraceHop {
  return {
    topic,
    partition: 0,
    offset,
    timestamp: at,
    key: 'k',
    stage,
    matchedBy: 'correlation-id',
    sincePreviousMs: null,
    sinceFirstMs: 0,
  };
}

describe('timeline', () => {
  it('orders hops by time and times each from the one before and from the first', () => {
    const ordered = timeline([
      hop('out', '2026-03-01T08:00:00.250Z', { kind: 'flow', name: 'vip' }),
      hop('in', '2026-03-01T08:00:00.100Z', { kind: 'source', name: 'crm' }),
      hop('dlq', '2026-03-01T08:00:01.000Z', { kind: 'dead-letter', name: 'connector:erp' }),
    ]);
    expect(ordered.map((h) => [h.topic, h.sincePreviousMs, h.sinceFirstMs])).to.deep.equal([
      ['in', null, 0],
      ['out', 150, 150],
      ['dlq', 750, 900],
    ]);
  });

  it('within one millisecond puts the cause first: source, then derived records, then dead letters', () => {
    const at = '2026-03-01T08:00:00.000Z';
    const ordered = timeline([
      hop('z-dlq', at, { kind: 'dead-letter' }),
      hop('m-out', at, { kind: 'flow' }),
      hop('x-in', at, { kind: 'source' }),
    ]);
    expect(ordered.map((h) => h.topic)).to.deep.equal(['x-in', 'm-out', 'z-dlq']);
  });

  it('breaks remaining ties by topic, partition and numeric offset', () => {
    const at = '2026-03-01T08:00:00.000Z';
    const ordered = timeline([
      hop('b', at, { kind: 'source' }, '10'),
      hop('b', at, { kind: 'source' }, '9'),
      hop('a', at, { kind: 'source' }, '11'),
    ]);
    expect(ordered.map((h) => `${h.topic}@${h.offset}`)).to.deep.equal(['a@11', 'b@9', 'b@10']);
  });

  it('has nothing to order in an empty trace', () => {
    expect(timeline([])).to.deep.equal([]);
  });
});
